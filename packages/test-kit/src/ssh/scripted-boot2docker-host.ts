import { ScriptedEngine } from './scripted-engine.js';
import {
  type ExecRecord,
  ScriptedSshHost,
  type ScriptReply,
  type ScriptRule,
  unquoteShellWord,
} from './scripted-ssh-host.js';

/** /etc/os-release of boot2docker 19.03.12 (its last release), the fields a provisioner reads. */
export const BOOT2DOCKER_OS_RELEASE = `NAME=Boot2Docker
VERSION=19.03.12
ID=boot2docker
ID_LIKE=tcl
VERSION_ID=19.03.12
PRETTY_NAME="Boot2Docker 19.03.12 (TCL 10.1)"
ANSI_COLOR="1;34"
HOME_URL="https://github.com/boot2docker/boot2docker"
`;

/** The engine boot2docker 19.03.12 ships. */
export const BOOT2DOCKER_DOCKER_VERSION = '19.03.12';

const PROFILE = '/var/lib/boot2docker/profile';

export interface ScriptedBoot2DockerHostOptions {
  /** `ssh-… AAAA…` line of the client key the host accepts. */
  authorizedKey: string;
  /** Default: {@link BOOT2DOCKER_OS_RELEASE}. */
  osRelease?: string;
  /** Rules tried before the host's own (a test's answers, e.g. a step that fails). */
  rules?: ScriptRule[];
}

interface HostFile {
  content: string;
  mode: string;
}

/**
 * A boot2docker host played by a {@link ScriptedSshHost}: no systemd, no package manager; it
 * answers what a provisioner sends (os-release, `sethostname`, `/etc/init.d/docker`, mkdir,
 * atomic file writes) and keeps what they change. `/etc/init.d/docker restart` sources
 * /var/lib/boot2docker/profile as boot2docker's init script does and starts the
 * {@link ScriptedEngine} with the TLS files the profile names, on the port its DOCKER_HOST names,
 * so the engine answers only if the right profile and files landed.
 */
export class ScriptedBoot2DockerHost {
  readonly files = new Map<string, HostFile>();
  readonly dirs = new Set<string>(['/var/lib/boot2docker']);
  hostname = 'boot2docker';
  /** `/etc/init.d/docker restart` runs. */
  restarts = 0;

  private constructor(
    readonly ssh: ScriptedSshHost,
    readonly engine: ScriptedEngine,
    options: ScriptedBoot2DockerHostOptions,
  ) {
    this.files.set('/etc/os-release', { content: options.osRelease ?? BOOT2DOCKER_OS_RELEASE, mode: '0644' });
    this.files.set('/etc/hostname', { content: 'boot2docker\n', mode: '0644' });
  }

  static async start(options: ScriptedBoot2DockerHostOptions): Promise<ScriptedBoot2DockerHost> {
    const engine = await ScriptedEngine.listen();
    let host: ScriptedBoot2DockerHost | undefined;
    // The rules close over `host`, which exists before the first command can arrive.
    const self = () => host as ScriptedBoot2DockerHost;
    const rules: ScriptRule[] = [
      ...(options.rules ?? []),
      { match: /^cat (\/\S+)$/, reply: (_exec, [, path]) => self().cat(path as string) },
      {
        match: /^\/usr\/bin\/sethostname (\S+) && mkdir -p (\S+) && echo (\S+) > (\S+)$/,
        reply: (_e, match) => self().setHostname(match),
      },
      // The provisioner's bounded wait for the boot-time daemon: a loop over `status`.
      { match: /^i=0; until \/etc\/init\.d\/docker status >\/dev\/null 2>&1; do /, reply: {} },
      { match: /^mkdir -p (\S+)$/, reply: (_e, [, dir]) => self().mkdir(unquoteShellWord(dir as string)) },
      {
        match: /^cat > (\S+) && chmod ([0-7]{3,4}) (\S+) && mv -f (\S+) (\S+)$/,
        reply: (exec, match) => self().write(exec, match),
      },
      { match: '/etc/init.d/docker restart', reply: () => self().restartDocker() },
      { match: /^\/etc\/init\.d\/docker status/, reply: () => self().status() },
      // boot2docker has no dpkg: a dpkg-query probe prints nothing, what follows it still runs.
      {
        match: /^dpkg-query .*; grep -s -e '\^ID=' -e '\^PRETTY_NAME=' \/etc\/os-release; true$/,
        reply: () => ({ stdout: self().osReleaseLines(/^(ID|PRETTY_NAME)=/) }),
      },
    ];
    const ssh = await ScriptedSshHost.start({ authorizedKey: options.authorizedKey, rules });
    host = new ScriptedBoot2DockerHost(ssh, engine, options);
    return host;
  }

  get port(): number {
    return this.ssh.port;
  }

  /** The scripts run, in order. */
  scripts(): string[] {
    return this.ssh.scripts();
  }

  get execs(): readonly ExecRecord[] {
    return this.ssh.execs;
  }

  async close(): Promise<void> {
    await Promise.all([this.ssh.close(), this.engine.close()]);
  }

  private cat(path: string): ScriptReply {
    const file = this.files.get(path);
    return file
      ? { stdout: file.content }
      : { code: 1, stderr: `cat: can't open '${path}': No such file or directory\n` };
  }

  private osReleaseLines(keys: RegExp): string {
    const text = this.files.get('/etc/os-release')?.content ?? '';
    return text
      .split('\n')
      .filter((line) => keys.test(line))
      .map((line) => `${line}\n`)
      .join('');
  }

  private setHostname(match: RegExpExecArray): ScriptReply {
    const [, name, dir, echoed, target] = match.map((word) => unquoteShellWord(word ?? ''));
    if (!name || name !== echoed || !target || !dir) return { code: 1, stderr: 'scripted host: unexpected hostname\n' };
    this.hostname = name;
    this.files.set('/etc/hostname', { content: `${name}\n`, mode: '0644' });
    this.mkdir(dir);
    if (!this.dirs.has(target.replace(/\/[^/]*$/, ''))) return { code: 1, stderr: `sh: can't create ${target}\n` };
    this.files.set(target, { content: `${name}\n`, mode: '0644' });
    return {};
  }

  private mkdir(dir: string): ScriptReply {
    for (let path = dir; path !== '' && path !== '/'; path = path.replace(/\/[^/]*$/, '')) this.dirs.add(path);
    return {};
  }

  private write(exec: ExecRecord, match: RegExpExecArray): ScriptReply {
    const [, temp, mode, chmodded, moved, target] = match.map((word) => unquoteShellWord(word ?? ''));
    if (temp !== chmodded || temp !== moved || !target) {
      return { code: 1, stderr: 'scripted host: not an atomic write\n' };
    }
    if (!this.dirs.has(target.replace(/\/[^/]*$/, ''))) {
      return { code: 1, stderr: `sh: can't create ${temp}: nonexistent directory\n` };
    }
    if (!exec.sudo && exec.user !== 'root') return { code: 1, stderr: `sh: can't create ${temp}: Permission denied\n` };
    this.files.set(target, { content: exec.stdin.toString('utf8'), mode: mode as string });
    return {};
  }

  private status(): ScriptReply {
    return this.engine.running
      ? { stdout: 'Docker daemon is running\n' }
      : { code: 1, stdout: 'Docker daemon is not running\n' };
  }

  /** What boot2docker's init script does with the profile, as far as the engine's TLS port goes. */
  private restartDocker(): ScriptReply {
    this.restarts += 1;
    this.engine.down();
    const profile = parseProfile(this.files.get(PROFILE)?.content ?? '');
    const listens = (profile.get('DOCKER_HOST') ?? '').split(/\s+/).includes(`tcp://0.0.0.0:${this.engine.port}`);
    const tls = (profile.get('DOCKER_TLS') ?? 'no') !== 'no';
    const [ca, cert, key] = ['CACERT', 'SERVERCERT', 'SERVERKEY'].map((name) =>
      this.files.get(profile.get(name) ?? ''),
    );
    if (!listens || !tls || !ca || !cert || !key) {
      return { code: 1, stderr: 'dockerd did not start; see /var/log/docker.log\n' };
    }
    this.engine.up(
      { ca: ca.content, cert: cert.content, key: key.content },
      { Version: BOOT2DOCKER_DOCKER_VERSION, ApiVersion: '1.40' },
    );
    return { stdout: 'Starting dockerd\n' };
  }
}

/** The `NAME=value` assignments of a profile; '…' values may span lines, as EXTRA_ARGS does. */
function parseProfile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const match of text.matchAll(/^([A-Z_][A-Z0-9_]*)=('[^']*'|\S*)$/gm)) {
    values.set(match[1] as string, unquoteShellWord(match[2] ?? ''));
  }
  return values;
}
