import { ScriptedEngine } from './scripted-engine.js';
import {
  type ExecRecord,
  ScriptedSshHost,
  type ScriptReply,
  type ScriptRule,
  unquoteShellWord,
} from './scripted-ssh-host.js';

/** /etc/os-release of Debian 12, as the distribution ships it. */
export const DEBIAN_12_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/** Debian 12's docker.io. */
export const DEBIAN_12_DOCKER_VERSION = '20.10.24+dfsg1';

const DROP_IN = '/etc/systemd/system/docker.service.d/10-machine.conf';

export interface ScriptedDebianHostOptions {
  /** `ssh-… AAAA…` line of the client key the host accepts. */
  authorizedKey: string;
  /** docker.io is installed already (the engine is adopted); otherwise the install script installs it. */
  dockerInstalled?: boolean;
  /** Debian's docker.io ships docker.socket; default true. */
  socketActivated?: boolean;
  /** Default: {@link DEBIAN_12_OS_RELEASE}. */
  osRelease?: string;
  /** Rules tried before the host's own (a test's answers, e.g. a step that fails). */
  rules?: ScriptRule[];
}

export interface HostFile {
  content: string;
  /** As given to chmod, e.g. `0600`. */
  mode: string;
}

/**
 * A Debian 12 host with systemd and sshd, played by a {@link ScriptedSshHost}: it answers the
 * commands a provisioner sends (os-release, hostname, locating dockerd, systemctl, atomic file
 * writes through `cat > tmp && chmod && mv`) and keeps what they change: its files, its hostname,
 * whether Docker is installed. `systemctl restart docker.service` starts its {@link ScriptedEngine}
 * with the certificates under /etc/docker, so the engine answers only if the right files landed.
 */
export class ScriptedDebianHost {
  readonly files = new Map<string, HostFile>();
  readonly dirs = new Set<string>();
  hostname = 'debian';
  dockerInstalled: boolean;
  /** URLs piped to `sh` (engine installs). */
  readonly installs: string[] = [];
  /** `systemctl restart docker.service` runs. */
  restarts = 0;

  private constructor(
    readonly ssh: ScriptedSshHost,
    readonly engine: ScriptedEngine,
    options: ScriptedDebianHostOptions,
  ) {
    this.dockerInstalled = options.dockerInstalled ?? true;
    this.files.set('/etc/os-release', { content: options.osRelease ?? DEBIAN_12_OS_RELEASE, mode: '0644' });
    this.files.set('/etc/hostname', { content: 'debian\n', mode: '0644' });
    this.files.set('/etc/hosts', { content: '127.0.0.1 localhost\n127.0.1.1 debian\n', mode: '0644' });
  }

  static async start(options: ScriptedDebianHostOptions): Promise<ScriptedDebianHost> {
    const engine = await ScriptedEngine.listen();
    let host: ScriptedDebianHost | undefined;
    // The rules close over `host`, which exists before the first command can arrive.
    const self = () => host as ScriptedDebianHost;
    const socketActivated = options.socketActivated ?? true;
    const rules: ScriptRule[] = [
      ...(options.rules ?? []),
      { match: /^cat (\/\S+)$/, reply: (_exec, [, path]) => self().cat(path as string) },
      { match: /^if command -v cloud-init >\/dev\/null 2>&1; then /, reply: {} },
      {
        match: /^hostname (\S+) && echo \S+ > \/etc\/hostname && /,
        reply: (_e, [, name]) => self().setHostname(name as string),
      },
      {
        match: /^command -v dockerd \|\| test -x \/usr\/sbin\/dockerd/,
        reply: () => (self().dockerInstalled ? { stdout: '/usr/sbin/dockerd\n' } : { code: 1 }),
      },
      { match: /^command -v curl >\/dev\/null \|\| /, reply: {} },
      { match: /^curl -fsSL (\S+) \| sh -$/, reply: (_e, [, url]) => self().install(unquoteShellWord(url as string)) },
      {
        match: /^command -v dockerd \|\| \{ for p in /,
        reply: () => ({ stdout: self().dockerInstalled ? '/usr/sbin/dockerd\n' : '' }),
      },
      {
        match: 'systemctl show -p LoadState --value docker.socket',
        reply: { stdout: socketActivated ? 'loaded\n' : 'not-found\n' },
      },
      { match: /^mkdir -p (\S+)$/, reply: (_e, [, dir]) => self().mkdir(unquoteShellWord(dir as string)) },
      {
        match: /^cat > (\S+) && chmod ([0-7]{3,4}) (\S+) && mv -f (\S+) (\S+)$/,
        reply: (exec, match) => self().write(exec, match),
      },
      {
        match:
          /^systemctl daemon-reload && systemctl enable docker\.service >\/dev\/null 2>&1; systemctl restart docker\.service$/,
        reply: () => self().restartDocker(),
      },
      { match: 'systemctl restart docker.service', reply: () => self().restartDocker() },
      {
        match: /^systemctl status docker\.service /,
        reply: () => ({
          stdout: `docker.service - Docker Application Container Engine\n   Active: ${self().engine.running ? 'active (running)' : 'failed'}\n`,
        }),
      },
    ];
    const ssh = await ScriptedSshHost.start({ authorizedKey: options.authorizedKey, rules });
    host = new ScriptedDebianHost(ssh, engine, options);
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
    return file ? { stdout: file.content } : { code: 1, stderr: `cat: ${path}: No such file or directory\n` };
  }

  private setHostname(quotedName: string): ScriptReply {
    const name = unquoteShellWord(quotedName);
    this.hostname = name;
    this.files.set('/etc/hostname', { content: `${name}\n`, mode: '0644' });
    const hosts = this.files.get('/etc/hosts')?.content ?? '';
    const updated = /^127\.0\.1\.1.*$/m.test(hosts)
      ? hosts.replace(/^127\.0\.1\.1.*$/m, `127.0.1.1 ${name}`)
      : `${hosts}127.0.1.1 ${name}\n`;
    this.files.set('/etc/hosts', { content: updated, mode: '0644' });
    return {};
  }

  private install(url: string): ScriptReply {
    this.installs.push(url);
    this.dockerInstalled = true;
    return { stdout: '# Executing docker install script\n' };
  }

  private mkdir(dir: string): ScriptReply {
    for (let path = dir; path !== '' && path !== '/'; path = path.replace(/\/[^/]*$/, '')) this.dirs.add(path);
    return {};
  }

  private write(exec: ExecRecord, match: RegExpExecArray): ScriptReply {
    const [, temp, mode, chmodded, moved, target] = match.map((word) => unquoteShellWord(word ?? ''));
    if (temp !== chmodded || temp !== moved || !target)
      return { code: 1, stderr: 'scripted host: not an atomic write\n' };
    const parent = target.replace(/\/[^/]*$/, '');
    if (!this.dirs.has(parent) && ![...this.files.keys()].some((path) => path.startsWith(`${parent}/`))) {
      return { code: 1, stderr: `sh: 1: cannot create ${temp}: Directory nonexistent\n` };
    }
    if (!exec.sudo && exec.user !== 'root')
      return { code: 1, stderr: `sh: 1: cannot create ${temp}: Permission denied\n` };
    this.files.set(target, { content: exec.stdin.toString('utf8'), mode: mode as string });
    return {};
  }

  /** dockerd starts with what the drop-in and /etc/docker hold, as systemd would start it. */
  private restartDocker(): ScriptReply {
    this.restarts += 1;
    if (!this.dockerInstalled)
      return { code: 5, stderr: 'Failed to restart docker.service: Unit docker.service not found.\n' };
    const [ca, cert, key] = ['ca.pem', 'server.pem', 'server-key.pem'].map((f) => this.files.get(`/etc/docker/${f}`));
    const dropIn = this.files.get(DROP_IN)?.content ?? '';
    // dockerd listens where the drop-in says; only TLS on the engine's port is reachable here.
    if (
      !ca ||
      !cert ||
      !key ||
      !dropIn.includes('--tlsverify') ||
      !dropIn.includes(`tcp://0.0.0.0:${this.engine.port} `)
    ) {
      this.engine.down();
      return { code: 1, stderr: 'Job for docker.service failed because the control process exited with error code.\n' };
    }
    this.engine.up(
      { ca: ca.content, cert: cert.content, key: key.content },
      { Version: DEBIAN_12_DOCKER_VERSION, ApiVersion: '1.41' },
    );
    return {};
  }
}
