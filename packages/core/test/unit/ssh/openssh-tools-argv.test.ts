import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SshConnectOptions } from '@berth/driver-sdk/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensshOptionArgs, opensshOptions, remoteSpec } from '../../../src/ssh/openssh-options.js';
import { rsyncArgs, rsyncLocalPath } from '../../../src/ssh/rsync-argv.js';
import { sshfsArgs } from '../../../src/ssh/sshfs-argv.js';

const run = promisify(execFile);

/**
 * The real OpenSSH, rsync and sshfs read the arguments Berth builds. A key and a known_hosts file
 * under a directory whose name holds what each of them treats specially (space, comma, quote,
 * backslash, percent) must reach ssh as those very paths.
 */
describe('OpenSSH options for ssh, sshfs and rsync', () => {
  let work: string;
  let target: SshConnectOptions;
  /** A stand-in for ssh that records the arguments it was started with, then fails. */
  let recorder: string;
  let recorded: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-openssh-'));
    const odd = join(work, `machine dir, 100% "odd" \\ end`);
    await mkdir(odd);
    target = {
      host: '10.1.2.3',
      port: 2222,
      user: 'berth',
      keyPath: join(odd, 'id_rsa'),
      knownHostsFile: join(odd, 'known_hosts'),
    };
    recorder = join(work, 'record-ssh');
    recorded = join(work, 'argv');
    await writeFile(recorder, `#!/bin/sh\nprintf '%s\\0' "$@" > '${recorded}'\nexit 1\n`);
    await chmod(recorder, 0o755);
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** What ssh makes of `-o` arguments, as `ssh -G` prints it (lower-case keys). */
  async function resolved(optionArgs: string[]): Promise<Map<string, string[]>> {
    const { stdout } = await run('ssh', ['-G', ...optionArgs, target.host]);
    const config = new Map<string, string[]>();
    for (const line of stdout.trim().split('\n')) {
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      config.set(key, [...(config.get(key) ?? []), line.slice(space + 1)]);
    }
    return config;
  }

  function expectMachineOptions(config: Map<string, string[]>) {
    expect(config.get('port')).toEqual([String(target.port)]);
    // `ssh -G` shows IdentityFile before its tokens are expanded: `%%` is how ssh reads one `%`.
    expect(config.get('identityfile')).toEqual([target.keyPath?.replaceAll('%', '%%')]);
    expect(config.get('identitiesonly')).toEqual(['yes']);
    expect(config.get('userknownhostsfile')).toEqual([target.knownHostsFile]);
    expect(config.get('globalknownhostsfile')).toEqual(['/dev/null']);
    expect(config.get('hostkeyalias')).toEqual([`[${target.host}]:${target.port}`]);
    expect(config.get('stricthostkeychecking')).toEqual(['true']);
    expect(config.get('batchmode')).toEqual(['yes']);
    expect(config.get('passwordauthentication')).toEqual(['no']);
  }

  const recordedArgv = async () => (await readFile(recorded, 'utf8')).split('\0').slice(0, -1);

  it('ssh reads every option as meant: the key, the pinned known_hosts under its [host]:port name, no prompts', async () => {
    expectMachineOptions(await resolved(opensshOptionArgs(target)));
    // The login comes from user@host: sshfs takes no User option.
    expect(opensshOptions(target).filter((option) => option.startsWith('User='))).toEqual([]);
  });

  it('leaves the key and known_hosts out when the machine has none (ssh-agent, a store without pins)', () => {
    const bare = opensshOptions({ host: target.host, port: 22, user: 'root' });
    expect(bare.some((option) => /^(IdentityFile|IdentitiesOnly|UserKnownHostsFile|HostKeyAlias)=/.test(option))).toBe(
      false,
    );
    expect(bare).toContain('Port=22');
  });

  it('rsync starts ssh with those options, word for word, for the user and host of the remote side', async () => {
    await rm(recorded, { force: true });
    const args = rsyncArgs(
      target,
      join(work, 'nothing'),
      remoteSpec(target, '/tmp/x'),
      { recursive: true, quiet: true },
      recorder,
    );
    await expect(run('rsync', args)).rejects.toThrow();
    const argv = await recordedArgv();
    const optionArgs = opensshOptionArgs(target);
    expect(argv.slice(0, optionArgs.length)).toEqual(optionArgs);
    // rsync adds the login and host itself, then its server command.
    expect(argv.slice(optionArgs.length, optionArgs.length + 3)).toEqual(['-l', target.user, target.host]);
    expect(argv.slice(optionArgs.length + 3)).toContain('--server');
    expectMachineOptions(await resolved(argv.slice(0, optionArgs.length)));
  });

  it('sshfs hands its -o options to ssh intact, commas and backslashes included', async () => {
    await rm(recorded, { force: true });
    const mountpoint = join(work, 'mnt');
    await mkdir(mountpoint, { recursive: true });
    const args = sshfsArgs(target, '/srv', mountpoint);
    expect(args.slice(-2)).toEqual([`${target.user}@${target.host}:/srv`, mountpoint]);
    await expect(run('sshfs', ['-o', `ssh_command=${recorder}`, ...args])).rejects.toThrow();
    const argv = await recordedArgv();
    const passed = argv.filter((arg) => arg.startsWith('-o')).map((arg) => arg.slice(2));
    for (const option of opensshOptions(target)) expect(passed).toContain(option);
    expectMachineOptions(await resolved(passed.flatMap((option) => ['-o', option])));
    expect(argv).toContain(`${target.user}@${target.host}`);
  });

  it('writes an IPv6 host in brackets and keeps a local a:b path local for rsync', () => {
    expect(remoteSpec({ host: 'fd00::5', user: 'root' }, '/srv')).toBe('root@[fd00::5]:/srv');
    expect(rsyncLocalPath('a:b')).toBe('./a:b');
    expect(rsyncLocalPath('/tmp/a:b')).toBe('/tmp/a:b');
    expect(rsyncLocalPath('dir/file')).toBe('dir/file');
  });
});
