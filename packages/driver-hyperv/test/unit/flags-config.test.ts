import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Driver,
  type FlagValues,
  InvalidFlagError,
  type LogParams,
  type MachineContext,
  MissingFlagError,
} from '@berth/driver-protocol';
import { createCallContext, resolveFlagValues } from '@berth/driver-sdk';
import { dockerMachineFixture } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { HypervDriver } from '../../src/driver.js';
import { normalizeMac } from '../../src/flag-config.js';
import { HYPERV_FLAGS } from '../../src/flags.js';
import { readHypervConfig, writeHypervConfig } from '../../src/hyperv-config.js';

// Flags as `docker-machine create -d hyperv --help` listed them, and docker-machine's own stored
// machine loaded and written back by the driver.

const driver: Driver = new HypervDriver();
const BERTH_FLAGS = ['hyperv-image-url', 'hyperv-image-checksum'];

function machineIn(store: string, name: string, driverConfig: Record<string, unknown> = {}): MachineContext {
  return {
    name,
    storePath: store,
    machineDir: join(store, 'machines', name),
    driverConfig: { MachineName: name, ...driverConfig },
  };
}

function flags(given: Record<string, unknown> = {}, env: Record<string, string> = {}): FlagValues {
  return resolveFlagValues(HYPERV_FLAGS, { given, env });
}

async function configure(given: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const logs: LogParams[] = [];
  const context = createCallContext({ onLog: (line) => logs.push(line) });
  const machine = machineIn('/store', 'dev');
  const result = await driver.setConfigFromFlags({ machine, flags: flags(given, env) }, context);
  return { result, logs, config: readHypervConfig({ ...machine, driverConfig: result.driverConfig }) };
}

/** `--hyperv-cpu-count "1" ... [$HYPERV_CPU_COUNT]` lines of the recorded help. */
async function recordedFlags(): Promise<Map<string, { default: string; envVar: string; description: string }>> {
  const help = await readFile(dockerMachineFixture('outputs', 'help-create-driver-hyperv.stdout'), 'utf8');
  const found = new Map<string, { default: string; envVar: string; description: string }>();
  for (const line of help.split('\n')) {
    const match = /^\s+--(hyperv-[a-z0-9-]+)\s*(?:"([^"]*)")?\s+(.*?)\s*\[\$([A-Z0-9_]+)\]\s*$/.exec(line);
    if (match)
      found.set(match[1] as string, {
        default: match[2] ?? '',
        envVar: match[4] as string,
        description: match[3] as string,
      });
  }
  return found;
}

describe('create flags', () => {
  it("has every docker-machine 0.16 hyperv flag with its default and env var, plus Berth's image flags", async () => {
    const recorded = await recordedFlags();
    expect(recorded.size).toBe(8);
    const ours = new Map(HYPERV_FLAGS.map((flag) => [flag.name, flag]));
    for (const [name, dm] of recorded) {
      const flag = ours.get(name);
      expect(flag, name).toBeDefined();
      expect(flag?.envVar, name).toBe(dm.envVar);
      // docker-machine printed an int's default in quotes, and nothing for "" or false.
      expect(String(flag?.default ?? ''), name).toBe(dm.default);
      if (name !== 'hyperv-boot2docker-url') expect(flag?.description, name).toBe(dm.description);
    }
    expect([...ours.keys()].filter((name) => !recorded.has(name)).sort()).toEqual([...BERTH_FLAGS].sort());
    expect(ours.get('hyperv-image-url')?.envVar).toBe('HYPERV_IMAGE_URL');
    expect(ours.get('hyperv-image-checksum')?.envVar).toBe('HYPERV_IMAGE_CHECKSUM');
  });

  it('asks the host for the catalogue Debian 12 and keeps docker-machine sizes by default', async () => {
    const { result, config, logs } = await configure();
    expect(result.image).toEqual({ name: 'debian-12', arch: process.arch === 'arm64' ? 'arm64' : 'amd64' });
    expect(config).toMatchObject({
      SSHUser: 'docker',
      SSHPort: 22,
      VSwitch: '',
      DiskSize: 20000,
      MemSize: 1024,
      CPU: 1,
      MacAddr: '',
      VLanID: 0,
      DisableDynamicMemory: false,
      Boot2DockerURL: '',
      ImageURL: '',
    });
    expect(logs).toEqual([]);
  });

  it('reads the env vars, normalizes the MAC and takes a checked image', async () => {
    const checksum = `sha256:${'a'.repeat(64)}`;
    const { result, config } = await configure(
      { 'hyperv-image-url': 'https://images.example/x.qcow2', 'hyperv-image-checksum': checksum },
      {
        HYPERV_VIRTUAL_SWITCH: 'external wireless',
        HYPERV_CPU_COUNT: '2',
        HYPERV_MEMORY: '2048',
        HYPERV_STATIC_MACADDRESS: '00:15:5d:01:2a:00',
        HYPERV_VLAN_ID: '12',
        HYPERV_DISABLE_DYNAMIC_MEMORY: 'true',
      },
    );
    expect(result.image).toEqual({ url: 'https://images.example/x.qcow2', checksum });
    expect(config).toMatchObject({
      VSwitch: 'external wireless',
      CPU: 2,
      MemSize: 2048,
      MacAddr: '00155D012A00',
      VLanID: 12,
      DisableDynamicMemory: true,
      ImageURL: 'https://images.example/x.qcow2',
      ImageChecksum: checksum,
    });
    expect(normalizeMac('00-15-5D-01-2A-00')).toBe('00155D012A00');
  });

  it('rounds odd memory up to Hyper-V’s 2 MB unit, and says so', async () => {
    const { config, logs } = await configure({ 'hyperv-memory': 1025 });
    expect(config.MemSize).toBe(1026);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/1025.*1026 MB.*2 MB/) }),
    ]);
  });

  const refused: Array<[string, Record<string, unknown>, typeof InvalidFlagError | typeof MissingFlagError, RegExp]> = [
    ['a boot2docker ISO', { 'hyperv-boot2docker-url': 'https://x/b2d.iso' }, InvalidFlagError, /boot2docker/],
    ['an image without its checksum', { 'hyperv-image-url': 'https://x/a.qcow2' }, MissingFlagError, /checksum/],
    [
      'a checksum without an image',
      { 'hyperv-image-checksum': `sha256:${'a'.repeat(64)}` },
      InvalidFlagError,
      /without/,
    ],
    [
      'a malformed checksum',
      { 'hyperv-image-url': 'https://x/a.qcow2', 'hyperv-image-checksum': 'md5:abc' },
      InvalidFlagError,
      /sha256/,
    ],
    [
      'an image URL that is no URL',
      { 'hyperv-image-url': 'not a url', 'hyperv-image-checksum': `sha256:${'a'.repeat(64)}` },
      InvalidFlagError,
      /not a URL/,
    ],
    ['too little memory', { 'hyperv-memory': 64 }, InvalidFlagError, /hyperv-memory/],
    ['no disk', { 'hyperv-disk-size': 0 }, InvalidFlagError, /hyperv-disk-size/],
    ['a disk beyond VHD’s limit', { 'hyperv-disk-size': 3_000_000 }, InvalidFlagError, /hyperv-disk-size/],
    ['no CPU', { 'hyperv-cpu-count': 0 }, InvalidFlagError, /hyperv-cpu-count/],
    ['a VLAN out of range', { 'hyperv-vlan-id': 4095 }, InvalidFlagError, /hyperv-vlan-id/],
    ['a bad MAC', { 'hyperv-static-macaddress': '00:15:5d' }, InvalidFlagError, /MAC address/],
    ['a multicast MAC', { 'hyperv-static-macaddress': '01:15:5d:01:2a:00' }, InvalidFlagError, /multicast/],
  ];
  for (const [label, given, kind, message] of refused) {
    it(`refuses ${label}`, async () => {
      const error = await configure(given).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe("docker-machine's stored hyperv machine", () => {
  it('loads, and is written back with every field kept; Berth adds only new keys', async () => {
    const stored = JSON.parse(
      await readFile(dockerMachineFixture('store-hypervisors', 'machines', 'dm-hyperv', 'config.json'), 'utf8'),
    ) as { Driver: Record<string, unknown> };
    const original = stored.Driver;
    const machine: MachineContext = {
      name: 'dm-hyperv',
      storePath: '/home/dmuser/.docker/machine',
      machineDir: '/home/dmuser/.docker/machine/machines/dm-hyperv',
      driverConfig: structuredClone(original),
    };
    const config = readHypervConfig(machine);
    expect(config).toMatchObject({
      IPAddress: '192.168.25.108',
      MachineName: 'dm-hyperv',
      SSHUser: 'docker',
      SSHPort: 22,
      VSwitch: 'External Wireless',
      DiskSize: 20000,
      MemSize: 1024,
      CPU: 1,
      MacAddr: '',
      VLanID: 0,
      DisableDynamicMemory: false,
      Boot2DockerURL: '',
      VMId: '',
    });
    const written = writeHypervConfig(machine, config);
    for (const [key, value] of Object.entries(original)) expect(written[key], key).toEqual(value);
    // docker-machine's keys first, in its order; Berth's after.
    expect(Object.keys(written).slice(0, Object.keys(original).length)).toEqual(Object.keys(original));
    expect(Object.keys(written).slice(Object.keys(original).length).sort()).toEqual(
      ['BaseImage', 'ImageChecksum', 'ImageURL', 'InstanceID', 'VMId'].sort(),
    );
    // Keys a newer driver wrote survive too.
    const newer = writeHypervConfig({ ...machine, driverConfig: { ...original, Future: 1 } }, config);
    expect(newer.Future).toBe(1);
  });
});
