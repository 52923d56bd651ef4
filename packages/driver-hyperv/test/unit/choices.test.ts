import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvalidFlagError } from '@berth/driver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestIpv4 } from '../../src/guest-address.js';
import type { HypervSwitch } from '../../src/hyperv-host.js';
import { HYPERV_GUEST_PACKAGES, writeHypervSeed } from '../../src/seed.js';
import { chooseSwitch, DEFAULT_SWITCH_ID } from '../../src/switch-choice.js';
import { machineStateOf } from '../../src/vm-state.js';

const exec = promisify(execFile);

const defaultSwitch: HypervSwitch = { name: 'Default Switch', id: DEFAULT_SWITCH_ID, switchType: 'Internal' };
const wireless: HypervSwitch = {
  name: 'External Wireless',
  id: '5f3e8d52-7a4e-4e0f-9b8a-2f7c3d1e6a90',
  switchType: 'External',
};
const docker: HypervSwitch = { name: 'DockerNAT', id: '11111111-2222-3333-4444-555555555555', switchType: 'Internal' };
const lab: HypervSwitch = { name: 'Lab', id: '66666666-2222-3333-4444-555555555555', switchType: 'Private' };

function refusal(switches: HypervSwitch[], requested: string): InvalidFlagError {
  try {
    chooseSwitch(switches, requested);
  } catch (error) {
    if (error instanceof InvalidFlagError) return error;
    throw error;
  }
  throw new Error(`chooseSwitch accepted "${requested}"`);
}

describe('switch choice', () => {
  it('prefers the Default Switch by its GUID, whatever its (localized) name, then the first External', () => {
    const localized = { ...defaultSwitch, name: 'Standardswitch' };
    expect(chooseSwitch([docker, wireless, localized], '')).toBe(localized);
    expect(chooseSwitch([docker, wireless], '')).toBe(wireless);
  });

  it('matches a given name case-insensitively and answers with Hyper-V’s spelling', () => {
    expect(chooseSwitch([defaultSwitch, wireless], 'external wireless').name).toBe('External Wireless');
    const twins = [
      { ...wireless, name: 'LAN' },
      { ...wireless, name: 'lan', id: 'x' },
    ];
    expect(chooseSwitch(twins, 'lan').id).toBe('x');
  });

  it('names the switches that exist when the one asked for is missing, Private, or there is none to pick', () => {
    const missing = refusal([defaultSwitch, wireless], 'Office');
    expect(missing.message).toBe('vswitch "Office" not found');
    expect(missing.actions.join(' ')).toContain('"Default Switch" (Internal), "External Wireless" (External)');
    expect(missing.data.flag).toBe('hyperv-virtual-switch');
    expect(refusal([lab], 'lab').message).toMatch(/"Lab" is a Private switch/);
    const none = refusal([docker, lab], '');
    expect(none.message).toMatch(/no Default Switch and no External vswitch/);
    expect(none.actions.join(' ')).toContain('"DockerNAT" (Internal), "Lab" (Private)');
    expect(refusal([], '').actions.join(' ')).toContain('Switches on this host: none.');
  });
});

describe('state and address', () => {
  it("maps Hyper-V's state names to Berth's states (Saved and Paused kept)", () => {
    const cases: Array<[string, string]> = [
      ['Running', 'Running'],
      ['Off', 'Stopped'],
      ['Saved', 'Saved'],
      ['Paused', 'Paused'],
      ['Starting', 'Starting'],
      ['Stopping', 'Stopping'],
      ['Saving', 'None'],
      ['OffCritical', 'Error'],
      ['', 'None'],
    ];
    for (const [vm, state] of cases) expect(machineStateOf(vm), vm).toBe(state);
  });

  it('takes the first IPv4, never a link-local or IPv6 address', () => {
    expect(guestIpv4(['fe80::215:5dff:fe00:108', '192.168.25.108'])).toBe('192.168.25.108');
    expect(guestIpv4(['169.254.10.2', 'fe80::1', '172.25.160.10', '10.0.0.2'])).toBe('172.25.160.10');
    expect(guestIpv4(['fe80::215:5dff:fe00:108'])).toBeUndefined();
    expect(guestIpv4([])).toBeUndefined();
  });
});

describe('the NoCloud seed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-hv-seed-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is a cidata volume whose user-data installs the KVP daemon (hyperv-daemons)', async () => {
    const iso = join(dir, 'seed.iso');
    await writeHypervSeed(iso, {
      instanceId: 'berth-dev-1',
      hostname: 'dev',
      sshAuthorizedKeys: ['ssh-rsa AAAAB3NzaC1yc2E berth:dev'],
      user: 'docker',
    });
    const { stdout } = await exec('isoinfo', ['-d', '-i', iso]);
    expect(stdout).toMatch(/Volume id: cidata/);
    const out = join(dir, 'out');
    await exec('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out], { maxBuffer: 1 << 20 });
    const userData = await readFile(join(out, 'user-data'), 'utf8');
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    expect(userData).toContain('  - name: "docker"');
    expect(userData).toContain('ssh-rsa AAAAB3NzaC1yc2E berth:dev');
    expect(userData.endsWith(`packages:\n${HYPERV_GUEST_PACKAGES.map((p) => `  - "${p}"\n`).join('')}`)).toBe(true);
    expect(HYPERV_GUEST_PACKAGES).toContain('hyperv-daemons');
    expect(await readFile(join(out, 'meta-data'), 'utf8')).toContain('instance-id: "berth-dev-1"');
  });
});
