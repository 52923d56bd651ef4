import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SshOptionInvalidError } from '../../../src/errors/ssh-client-errors.js';
import {
  describeSshOption,
  parseSshCommandLine,
  parseSshDestination,
  sshOptionWords,
} from '../../../src/ssh/ssh-command-line.js';
import { parseSshConfigOption } from '../../../src/ssh/ssh-config-option.js';
import { parseForwardSpec } from '../../../src/ssh/ssh-forward-spec.js';

describe("berth ssh's argv, read as OpenSSH's ssh reads its own", () => {
  it('takes options after the machine name: `web -C echo foo` compresses and runs `echo foo`', () => {
    expect(parseSshCommandLine(['web', '-C', 'echo', 'foo'])).toEqual({
      options: [{ letter: 'C' }],
      destination: 'web',
      command: ['echo', 'foo'],
    });
  });

  it('takes options before the name too, clustered flags and values in the same or the next word', () => {
    const line = parseSshCommandLine(['-tt', '-L8080:localhost:80', 'web', '-o', 'ConnectTimeout=5', '-CNp2222']);
    expect(line.options).toEqual([
      { letter: 't' },
      { letter: 't' },
      { letter: 'L', value: '8080:localhost:80' },
      { letter: 'o', value: 'ConnectTimeout=5' },
      { letter: 'C' },
      { letter: 'N' },
      { letter: 'p', value: '2222' },
    ]);
    expect(line.destination).toBe('web');
    expect(line.command).toEqual([]);
  });

  it('stops at the first word of the command: what follows is the command, dashes and all', () => {
    expect(parseSshCommandLine(['web', 'ls', '-l', '-a']).command).toEqual(['ls', '-l', '-a']);
    expect(parseSshCommandLine(['web', '--', 'uname', '-a'])).toEqual({
      options: [],
      destination: 'web',
      command: ['uname', '-a'],
    });
    // `--` before the name ends the options for good, as in OpenSSH.
    expect(parseSshCommandLine(['-A', '--', 'web', '-C'])).toEqual({
      options: [{ letter: 'A' }],
      destination: 'web',
      command: ['-C'],
    });
    expect(parseSshCommandLine(['web', '-', 'x']).command).toEqual(['-', 'x']);
  });

  it('has no machine name when none is given (berth then uses `default`)', () => {
    expect(parseSshCommandLine([])).toEqual({ options: [], destination: undefined, command: [] });
    expect(parseSshCommandLine(['-C']).destination).toBeUndefined();
  });

  it('refuses letters ssh does not have and options missing their value, with exit 255 as ssh', () => {
    const unknown = (() => {
      try {
        parseSshCommandLine(['web', '-Z', 'x']);
      } catch (error) {
        return error;
      }
    })();
    expect(unknown).toBeInstanceOf(SshOptionInvalidError);
    expect((unknown as SshOptionInvalidError).code).toBe('SshOptionInvalid');
    expect((unknown as SshOptionInvalidError).exitCode).toBe(255);
    expect((unknown as Error).message).toBe('ssh option -Z: is not an option of ssh');
    expect(() => parseSshCommandLine(['web', '-L'])).toThrow('ssh option -L: needs a value');
  });

  it("knows the letters of the real ssh's usage, flags and valued ones alike, and refuses the rest", () => {
    // `ssh -?`: "usage: ssh [-46AaCf...] [-B bind_interface] [-b bind_address] ...".
    const usage = spawnSync('ssh', ['-?'], { encoding: 'utf8' }).stderr;
    const flags = /\[-([0-9A-Za-z]+)\]/.exec(usage)?.[1] ?? '';
    const valued = [...usage.matchAll(/\[-([A-Za-z]) [^\]]/g)].map((match) => match[1] as string);
    expect(flags.length).toBeGreaterThan(20);
    expect(valued.length).toBeGreaterThan(20);
    for (const letter of flags) expect(parseSshCommandLine([`-${letter}`, 'web']).options).toEqual([{ letter }]);
    for (const letter of valued)
      expect(parseSshCommandLine([`-${letter}`, 'v', 'web']).options).toEqual([{ letter, value: 'v' }]);
    // -P (a Match tag since OpenSSH 9.4) is the one letter newer than this usage text.
    const known = new Set([...flags, ...valued, 'P']);
    for (const letter of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.replace(/./g, (c) =>
      known.has(c) ? '' : c,
    ))
      expect(() => parseSshCommandLine([`-${letter}`, 'web']), letter).toThrow(SshOptionInvalidError);
  });

  it('gives the options back as argv words, and names them for messages', () => {
    const line = parseSshCommandLine(['-CL', '1:h:2', 'web', '-o', 'A=b c']);
    expect(sshOptionWords(line.options)).toEqual(['-C', '-L', '1:h:2', '-o', 'A=b c']);
    expect(line.options.map(describeSshOption)).toEqual(['-C', '-L 1:h:2', '-o A=b c']);
  });

  it('reads user@machine', () => {
    expect(parseSshDestination('web')).toEqual({ machine: 'web' });
    expect(parseSshDestination('root@web')).toEqual({ machine: 'web', user: 'root' });
    expect(() => parseSshDestination('@web')).toThrow(SshOptionInvalidError);
  });
});

describe('-o Keyword=Value', () => {
  it('splits as readconf does: = or blanks, quotes, backslashes; keywords compare lower-cased', () => {
    expect(parseSshConfigOption('ConnectTimeout=5')).toMatchObject({ keyword: 'connecttimeout', args: ['5'] });
    expect(parseSshConfigOption('ConnectTimeout = 5')).toMatchObject({ args: ['5'] });
    expect(parseSshConfigOption('LocalForward 8080 localhost:80')).toMatchObject({
      keyword: 'localforward',
      args: ['8080', 'localhost:80'],
    });
    expect(parseSshConfigOption('IdentityFile="/a b/\\"k\\""').args).toEqual(['/a b/"k"']);
    expect(parseSshConfigOption("SetEnv A='x y' B=z").args).toEqual(['A=x y', 'B=z']);
    expect(() => parseSshConfigOption('ConnectTimeout')).toThrow('is not Keyword=Value');
    expect(() => parseSshConfigOption('User="x')).toThrow('unterminated quote');
  });
});

describe('forward specs, as OpenSSH parse_forward reads them', () => {
  it('local: [bind:]port:host:hostport, sockets on either side, IPv6 in brackets', () => {
    expect(parseForwardSpec('8080:localhost:80', 'local')).toMatchObject({
      listen: { kind: 'tcp', host: undefined, port: 8080 },
      connect: { kind: 'tcp', host: 'localhost', port: 80 },
    });
    expect(parseForwardSpec('127.0.0.1:8080:db:5432', 'local')).toMatchObject({
      listen: { kind: 'tcp', host: '127.0.0.1', port: 8080 },
      connect: { kind: 'tcp', host: 'db', port: 5432 },
    });
    expect(parseForwardSpec('[::1]:8080:[fd00::5]:80', 'local')).toMatchObject({
      listen: { host: '::1', port: 8080 },
      connect: { host: 'fd00::5', port: 80 },
    });
    expect(parseForwardSpec('2375:/var/run/docker.sock', 'local')).toMatchObject({
      listen: { kind: 'tcp', port: 2375 },
      connect: { kind: 'socket', path: '/var/run/docker.sock' },
    });
    expect(parseForwardSpec('/tmp/d.sock:/var/run/docker.sock', 'local')).toMatchObject({
      listen: { kind: 'socket', path: '/tmp/d.sock' },
      connect: { kind: 'socket', path: '/var/run/docker.sock' },
    });
    expect(parseForwardSpec('/tmp/x.sock:localhost:80', 'local')).toMatchObject({
      listen: { kind: 'socket', path: '/tmp/x.sock' },
      connect: { kind: 'tcp', host: 'localhost', port: 80 },
    });
  });

  it('refuses what OpenSSH refuses: a bare port, port 0 for a local listener, junk ports', () => {
    for (const bad of ['8080', '8080:host', '0:host:80', 'x:host:80', '8080:host:0', '8080:host:99999', '[::1:80:h:1'])
      expect(parseForwardSpec(bad, 'local'), bad).toBeUndefined();
  });

  it('remote: port 0 asks the server for a port; one port alone is dynamic (SOCKS)', () => {
    expect(parseForwardSpec('0:localhost:80', 'remote')).toMatchObject({ listen: { port: 0 } });
    expect(parseForwardSpec('1080', 'remote')).toBeUndefined();
    expect(parseForwardSpec('1080', 'dynamic')).toMatchObject({ listen: { port: 1080 }, connect: undefined });
    expect(parseForwardSpec('host:22', 'dynamic')).toMatchObject({ listen: { host: 'host', port: 22 } });
  });
});
