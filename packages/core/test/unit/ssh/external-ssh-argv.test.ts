import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pinKey, type SshConnectOptions } from '@berth/driver-sdk/ssh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalSshArgv } from '../../../src/ssh/external-ssh-client.js';
import { parseSshCommandLine, parseSshDestination } from '../../../src/ssh/ssh-command-line.js';
import { sshConfigBlock } from '../../../src/ssh/ssh-config-block.js';

const run = promisify(execFile);

/** What the real OpenSSH makes of an argv, as `ssh -G` prints it (lower-case keys, every value). */
async function resolved(argv: string[]): Promise<Map<string, string[]>> {
  const { stdout } = await run('ssh', ['-G', ...argv]);
  const config = new Map<string, string[]>();
  for (const line of stdout.trim().split('\n')) {
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    config.set(key, [...(config.get(key) ?? []), line.slice(space + 1)]);
  }
  return config;
}

/**
 * The argv `berth ssh` hands to OpenSSH, read by the real ssh: the user's options win over
 * Berth's, Berth's fill in the machine, and paths with what ssh treats specially (space, quote,
 * backslash, percent) arrive as those very paths.
 */
describe("OpenSSH's argv for berth ssh, and the ssh-config block, as the real ssh reads them", () => {
  let work: string;
  let target: SshConnectOptions;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-ssh-argv-'));
    const odd = join(work, `machines/web 100% "odd" \\ end`);
    await mkdir(odd, { recursive: true });
    target = {
      host: '10.1.2.3',
      port: 2222,
      user: 'berth',
      keyPath: join(odd, 'id_rsa'),
      knownHostsFile: join(odd, 'known_hosts'),
    };
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  const argvFor = (words: string[]) => {
    const line = parseSshCommandLine(words);
    const user = line.destination ? parseSshDestination(line.destination).user : undefined;
    return externalSshArgv({ target, line, ...(user ? { destinationUser: user } : {}) });
  };

  it("without options: the machine's address, port, user, key only, and its pinned known_hosts", async () => {
    const config = await resolved(argvFor(['web']));
    expect(config.get('hostname')).toEqual([target.host]);
    expect(config.get('port')).toEqual(['2222']);
    expect(config.get('user')).toEqual(['berth']);
    // ssh -G shows IdentityFile before expanding its tokens: `%%` is how it reads one `%`.
    expect(config.get('identityfile')).toEqual([target.keyPath?.replaceAll('%', '%%')]);
    expect(config.get('identitiesonly')).toEqual(['yes']);
    expect(config.get('userknownhostsfile')).toEqual([target.knownHostsFile]);
    expect(config.get('globalknownhostsfile')).toEqual(['/dev/null']);
    expect(config.get('hostkeyalias')).toEqual(['[10.1.2.3]:2222']);
    expect(config.get('stricthostkeychecking')).toEqual(['true']);
    expect(config.get('connecttimeout')).toEqual(['10']);
    expect(config.get('compression')).toEqual(['no']);
  });

  it('the options the user gives win: -o ConnectTimeout=5, -p, -l, user@, -C, -i before the machine key', async () => {
    // ssh drops an -i file that does not exist.
    const mine = join(work, 'mine');
    await writeFile(mine, '');
    const config = await resolved(
      argvFor(['-o', 'ConnectTimeout=5', 'root@web', '-C', '-p', '2200', '-i', mine, '-o', 'StrictHostKeyChecking=no']),
    );
    expect(config.get('connecttimeout')).toEqual(['5']);
    expect(config.get('port')).toEqual(['2200']);
    expect(config.get('user')).toEqual(['root']);
    expect(config.get('compression')).toEqual(['yes']);
    expect(config.get('stricthostkeychecking')).toEqual(['false']);
    expect(config.get('identityfile')).toEqual([mine, target.keyPath?.replaceAll('%', '%%')]);
    expect((await resolved(argvFor(['-l', 'admin', 'root@web']))).get('user')).toEqual(['admin']);
  });

  it('forwards, agent and tty options reach ssh as given', async () => {
    const config = await resolved(argvFor(['web', '-A', '-L', '8080:localhost:80', '-R', '9000:127.0.0.1:3000', '-N']));
    expect(config.get('forwardagent')).toEqual(['yes']);
    expect(config.get('localforward')).toEqual(['8080 [localhost]:80']);
    expect(config.get('remoteforward')).toEqual(['9000 [127.0.0.1]:3000']);
    expect(config.get('sessiontype')).toEqual(['none']);
    expect((await resolved(argvFor(['-tt', 'web']))).get('requesttty')).toEqual(['force']);
  });

  it('puts the machine after `--`, so the command is never read as options', () => {
    const argv = argvFor(['web', '-C', 'echo', '-n', 'foo']);
    expect(argv.slice(-5)).toEqual(['--', target.host, 'echo', '-n', 'foo']);
    expect(argv.slice(0, 3)).toEqual(['-F', '/dev/null', '-C']);
  });

  it("a -F of the user's replaces Berth's -F /dev/null (ssh reads the last -F)", async () => {
    const file = join(work, 'user-config');
    await writeFile(file, 'Host *\n  ServerAliveCountMax 7\n');
    expect((await resolved(argvFor(['-F', file, 'web']))).get('serveralivecountmax')).toEqual(['7']);
  });

  it('ssh-config: `ssh -F block NAME` reaches the machine as berth ssh does; pinned means strict', async () => {
    const file = join(work, 'block');
    await writeFile(file, await sshConfigBlock('web', target));
    const unpinned = await resolved(['-F', file, 'web']);
    expect(unpinned.get('hostname')).toEqual([target.host]);
    expect(unpinned.get('port')).toEqual(['2222']);
    expect(unpinned.get('user')).toEqual(['berth']);
    expect(unpinned.get('identityfile')).toEqual([target.keyPath?.replaceAll('%', '%%')]);
    expect(unpinned.get('identitiesonly')).toEqual(['yes']);
    expect(unpinned.get('userknownhostsfile')).toEqual([target.knownHostsFile]);
    expect(unpinned.get('hostkeyalias')).toEqual(['[10.1.2.3]:2222']);
    expect(unpinned.get('stricthostkeychecking')).toEqual(['accept-new']);
    expect(unpinned.get('hashknownhosts')).toEqual(['no']);

    // A key blob: string "ssh-ed25519", then 32 bytes.
    const blob = Buffer.concat([
      Buffer.from([0, 0, 0, 11]),
      Buffer.from('ssh-ed25519'),
      Buffer.from([0, 0, 0, 32]),
      Buffer.alloc(32, 7),
    ]);
    await pinKey(target.knownHostsFile as string, target.host, target.port, blob);
    await writeFile(file, await sshConfigBlock('web', target));
    expect((await resolved(['-F', file, 'web'])).get('stricthostkeychecking')).toEqual(['true']);
    // Other hosts are untouched by the block.
    expect((await resolved(['-F', file, 'other'])).get('hostname')).toEqual(['other']);
  });

  it('ssh-config leaves out the key and known_hosts of a machine that has none', async () => {
    const block = await sshConfigBlock('bare', { host: 'fd00::5', port: 22, user: 'root' });
    expect(block).toBe('Host bare\n  HostName fd00::5\n  Port 22\n  User root\n');
  });
});
