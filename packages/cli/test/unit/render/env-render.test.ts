import { describe, expect, it } from 'vitest';
import {
  commandLine,
  detectShell,
  noProxyWithMachine,
  notSwarmMasterMessage,
  renderEnvSet,
  renderEnvUnset,
  swarmDockerHost,
  tlsCheckFailedMessage,
  UNSET_WITH_MACHINE_NAME_ERROR,
} from '../../../src/render/index.js';
import { fixtureStderr, fixtureStdout } from './fixtures.js';

// Fixtures were recorded as `docker-machine …`; Berth passes its own binary name.
const PROGRAM = 'docker-machine';
const machine = {
  dockerHost: 'tcp://172.17.0.5:2376',
  certPath: '/home/dmuser/.docker/machine/machines/dm-generic',
  machineName: 'dm-generic',
  programName: PROGRAM,
};

describe('env (set)', () => {
  it.each(['bash', 'fish', 'powershell', 'cmd', 'tcsh', 'emacs'])('matches env-shell-%s', (shell) => {
    const out = renderEnvSet({ ...machine, shell, args: ['env', '--shell', shell, 'dm-generic'] });
    expect(out).toBe(fixtureStdout(`env-shell-${shell}`));
  });

  it('uses the shell from SHELL=/bin/bash (env-default-shell)', () => {
    const detected = detectShell({ platform: 'linux', env: { SHELL: '/bin/bash' } });
    expect(detected).toEqual({ ok: true, shell: 'bash' });
    const shell = detected.ok ? detected.shell : '';
    expect(renderEnvSet({ ...machine, shell, args: ['env', 'dm-generic'] })).toBe(fixtureStdout('env-default-shell'));
  });

  it.each(['zsh', 'sh', 'ksh'])('writes POSIX syntax for %s', (shell) => {
    const out = renderEnvSet({ ...machine, shell, args: ['env', 'dm-generic'] });
    expect(out).toBe(fixtureStdout('env-default-shell'));
  });

  it('adds NO_PROXY with --no-proxy (env-no-proxy)', () => {
    const noProxy = noProxyWithMachine({}, '172.17.0.5');
    const out = renderEnvSet({ ...machine, shell: 'bash', noProxy, args: ['env', '--no-proxy', 'dm-generic'] });
    expect(out).toBe(fixtureStdout('env-no-proxy'));
  });

  it('appends to an existing NO_PROXY (env-no-proxy-existing)', () => {
    const noProxy = noProxyWithMachine({ NO_PROXY: 'localhost,127.0.0.1' }, '172.17.0.5');
    const out = renderEnvSet({ ...machine, shell: 'bash', noProxy, args: ['env', '--no-proxy', 'dm-generic'] });
    expect(out).toBe(fixtureStdout('env-no-proxy-existing'));
  });

  it('prefers a non-empty no_proxy and does not add an IP twice', () => {
    expect(noProxyWithMachine({ no_proxy: 'a', NO_PROXY: 'b' }, '1.2.3.4')).toEqual({
      name: 'no_proxy',
      value: 'a,1.2.3.4',
    });
    expect(noProxyWithMachine({ no_proxy: '', NO_PROXY: 'b,1.2.3.4' }, '1.2.3.4')).toEqual({
      name: 'NO_PROXY',
      value: 'b,1.2.3.4',
    });
  });

  it('adds COMPOSE_CONVERT_WINDOWS_PATHS on Windows', () => {
    const out = renderEnvSet({ ...machine, shell: 'powershell', composeConvertWindowsPaths: true, args: ['env'] });
    expect(out).toContain('$Env:DOCKER_MACHINE_NAME = "dm-generic"\n$Env:COMPOSE_CONVERT_WINDOWS_PATHS = "true"\n');
  });

  it('echoes Berth’s own program name in the hint', () => {
    const out = renderEnvSet({ ...machine, programName: 'berth', shell: 'bash', args: ['env', 'dm-generic'] });
    expect(out.endsWith('# eval $(berth env dm-generic)\n')).toBe(true);
  });

  it('quotes a program path with a space or a backslash', () => {
    expect(commandLine('C:\\tools\\berth.exe', ['env'])).toBe('"C:\\tools\\berth.exe" env');
    expect(commandLine('/opt/my tools/berth', ['env'])).toBe('"/opt/my tools/berth" env');
    expect(commandLine('berth', ['env', 'a b'])).toBe('berth env a b');
  });
});

describe('env --unset', () => {
  it('matches env-unset', () => {
    expect(renderEnvUnset({ shell: 'bash', programName: PROGRAM, args: ['env', '--unset'] })).toBe(
      fixtureStdout('env-unset'),
    );
  });

  it.each(['fish', 'cmd', 'tcsh', 'emacs'])('matches env-unset-shell-%s', (shell) => {
    const out = renderEnvUnset({ shell, programName: PROGRAM, args: ['env', '--unset', '--shell', shell] });
    expect(out).toBe(fixtureStdout(`env-unset-shell-${shell}`));
  });

  it('writes Remove-Item Env:\\NAME for powershell, fixing docker-machine’s doubled backslash', () => {
    const fixture = fixtureStdout('env-unset-shell-powershell');
    expect(fixture).toContain('Remove-Item Env:\\\\DOCKER_HOST\n');
    const out = renderEnvUnset({
      shell: 'powershell',
      programName: PROGRAM,
      args: ['env', '--unset', '--shell', 'powershell'],
    });
    expect(out).toContain('Remove-Item Env:\\DOCKER_HOST\n');
    expect(out).toBe(fixture.replaceAll('Env:\\\\', 'Env:\\'));
  });

  it('clears the proxy variable with --no-proxy, without gluing its value on', () => {
    const out = renderEnvUnset({ shell: 'bash', noProxyName: 'NO_PROXY', programName: 'berth', args: ['env', '-u'] });
    expect(out).toContain('unset DOCKER_MACHINE_NAME\nunset NO_PROXY\n#');
  });
});

describe('env messages', () => {
  it('matches the --swarm error of env-swarm-not-swarm', () => {
    expect(`${tlsCheckFailedMessage(notSwarmMasterMessage('dm-generic'))}\n`).toBe(
      fixtureStderr('env-swarm-not-swarm'),
    );
  });

  it('points DOCKER_HOST at the swarm port with --swarm', () => {
    expect(swarmDockerHost('tcp://172.17.0.5:2376', 'tcp://0.0.0.0:3376')).toBe('tcp://172.17.0.5:3376');
  });

  it('has docker-machine’s text for -u with a machine name', () => {
    expect(UNSET_WITH_MACHINE_NAME_ERROR).toBe('Error: Expected no machine name when the -u flag is present');
  });
});

describe('shell detection', () => {
  it('takes the base name of SHELL', () => {
    expect(detectShell({ platform: 'darwin', env: { SHELL: '/usr/local/bin/fish' } })).toEqual({
      ok: true,
      shell: 'fish',
    });
  });

  it('fails with a notice on stdout when SHELL is empty', () => {
    const detected = detectShell({ platform: 'linux', env: {} });
    expect(detected).toEqual({
      ok: false,
      notice:
        "The default lines below are for a sh/bash shell, you can specify the shell you're using, with the --shell flag.\n\n",
      error: 'Error: Unknown shell',
    });
  });

  it('with SHELL unset, takes the shell that runs berth: the parent, or the grandparent behind a wrapper', () => {
    expect(detectShell({ platform: 'linux', env: {}, ancestorProcessNames: ['bash', 'cron'] })).toEqual({
      ok: true,
      shell: 'bash',
    });
    expect(detectShell({ platform: 'linux', env: {}, ancestorProcessNames: ['berth', 'fish'] })).toEqual({
      ok: true,
      shell: 'fish',
    });
    expect(detectShell({ platform: 'linux', env: { SHELL: '/bin/zsh' }, ancestorProcessNames: ['bash'] })).toEqual({
      ok: true,
      shell: 'zsh',
    });
    const noShell = detectShell({ platform: 'linux', env: {}, ancestorProcessNames: ['node', 'systemd'] });
    expect(noShell).toMatchObject({ ok: false, error: 'Error: Unknown shell' });
  });

  it('on Windows, looks at SHELL, fish, then the parent processes', () => {
    expect(detectShell({ platform: 'win32', env: { SHELL: 'C:\\Git\\bin\\bash.exe' } })).toEqual({
      ok: true,
      shell: 'bash.exe',
    });
    expect(detectShell({ platform: 'win32', env: { SHELL: 'x', __fish_bin_dir: 'C:\\fish' } })).toEqual({
      ok: true,
      shell: 'fish',
    });
    expect(detectShell({ platform: 'win32', env: {}, ancestorProcessNames: ['PowerShell.exe'] })).toEqual({
      ok: true,
      shell: 'powershell',
    });
    expect(detectShell({ platform: 'win32', env: {}, ancestorProcessNames: ['node.exe', 'cmd.exe'] })).toEqual({
      ok: true,
      shell: 'cmd',
    });
    expect(detectShell({ platform: 'win32', env: {} })).toEqual({ ok: true, shell: 'cmd' });
    const unknown = detectShell({ platform: 'win32', env: {}, ancestorProcessNames: ['node.exe', 'explorer.exe'] });
    expect(unknown).toEqual({
      ok: true,
      shell: 'cmd',
      notice: "You can further specify your shell with either 'cmd' or 'powershell' with the --shell flag.\n\n",
    });
  });
});
