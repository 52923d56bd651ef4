import { readFile } from 'node:fs/promises';
import { dockerMachineFixture } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { MachineConfigError, MachineConfigVersionError } from '../../../src/errors/store-errors.js';
import { parseHostConfig, serializeHostConfig } from '../../../src/store/config-json.js';
import type { HostConfig } from '../../../src/store/host-config.js';
import { fixtureOutput } from './support/fixture-store.js';

const origin = { machineName: 'm1', configPath: '/s/machines/m1/config.json' };

function fixtureConfig(name: string): Promise<string> {
  return readFile(dockerMachineFixture('store', 'machines', name, 'config.json'), 'utf8');
}

function parseError(text: string): MachineConfigError {
  try {
    parseHostConfig(text, origin);
  } catch (error) {
    if (error instanceof MachineConfigError) return error;
    throw error;
  }
  throw new Error('expected a MachineConfigError');
}

describe('serializeHostConfig', () => {
  it.each(['dm-generic', 'legacy-none'])('reproduces the bytes docker-machine wrote for %s', async (name) => {
    const text = await fixtureConfig(name);
    const { config } = parseHostConfig(text, { machineName: name, configPath: 'x' });
    expect(serializeHostConfig(config)).toBe(text);
    expect(text.endsWith('\n')).toBe(false);
  });

  it("escapes like Go's encoding/json", () => {
    const config = { ConfigVersion: 3, Name: 'a<b>&c\u2028\u2029' } as unknown as HostConfig;
    expect(serializeHostConfig(config)).toBe(
      '{\n    "ConfigVersion": 3,\n    "Name": "a\\u003cb\\u003e\\u0026c\\u2028\\u2029"\n}',
    );
    expect(JSON.parse(serializeHostConfig(config))).toEqual(config);
  });
});

describe('parseHostConfig', () => {
  it('reads a v3 record and types its fields', async () => {
    const { config, sourceVersion } = parseHostConfig(await fixtureConfig('dm-generic'), origin);
    expect(sourceVersion).toBe(3);
    expect(config.DriverName).toBe('generic');
    expect(config.HostOptions.EngineOptions.Labels).toEqual(['env=test']);
    expect(config.HostOptions.AuthOptions.ServerCertSANs).toEqual(['legacy.example.test']);
    expect(config.Driver.IPAddress).toBe('172.17.0.5');
  });

  it('takes the name from the directory, not from the file', async () => {
    const { config } = parseHostConfig(await fixtureConfig('dm-generic'), origin);
    expect(config.Name).toBe('m1');
    // The driver's own copy of the name is the driver's business.
    expect(config.Driver.MachineName).toBe('dm-generic');
  });

  it('keeps unknown fields at every level, in place', () => {
    const text = JSON.stringify({
      ConfigVersion: 3,
      Future: { nested: [1, 2] },
      Driver: { IPAddress: '1.2.3.4', VBoxManager: {}, Extra: 12.5 },
      DriverName: 'x',
      HostOptions: {
        Driver: '',
        Memory: 0,
        Disk: 0,
        EngineOptions: { Labels: [], NewFlag: true },
        SwarmOptions: {},
        AuthOptions: { Other: 'o' },
        Added: 1,
      },
      Name: 'ignored',
      RawDriver: 'eyJ9',
    });
    const { config } = parseHostConfig(text, origin);
    expect(config.Future).toEqual({ nested: [1, 2] });
    expect(config.RawDriver).toBe('eyJ9');
    expect(config.Driver).toEqual({ IPAddress: '1.2.3.4', VBoxManager: {}, Extra: 12.5 });
    expect(config.HostOptions.Added).toBe(1);
    expect(config.HostOptions.EngineOptions.NewFlag).toBe(true);
    expect(config.HostOptions.AuthOptions.Other).toBe('o');
    expect(Object.keys(config).slice(0, 3)).toEqual(['ConfigVersion', 'Future', 'Driver']);
  });

  it("fills missing known fields with Go's zero values", () => {
    const { config } = parseHostConfig(JSON.stringify({ ConfigVersion: 3, Driver: {}, DriverName: 'none' }), origin);
    expect(config.HostOptions.Memory).toBe(0);
    expect(config.HostOptions.EngineOptions.TlsVerify).toBe(false);
    expect(config.HostOptions.EngineOptions.Labels).toBeNull();
    expect(config.HostOptions.SwarmOptions.Host).toBe('');
    expect(config.HostOptions.AuthOptions.StorePath).toBe('');
  });

  it('fails an empty file with docker-machine\'s message (fixture "broken")', async () => {
    const error = parseError('');
    expect(error.code).toBe('ConfigCorrupt');
    expect(error.data).toMatchObject({ problem: 'empty', path: origin.configPath });
    expect(error.problem).toBe('empty');
    expect(`${error.message}\n`).toBe(await fixtureOutput('inspect-broken.stderr'));
    expect(`${error.message}\n`).toBe(await fixtureOutput('status-broken.stderr'));
    expect(error.actions.join(' ')).toContain(origin.configPath);
  });

  it('fails truncated and malformed JSON', async () => {
    const text = await fixtureConfig('legacy-none');
    // Go says the same for a cut anywhere; V8 words it several ways.
    for (let end = 1; end < text.length; end += 7) {
      expect(parseError(text.slice(0, end)).message).toBe('Error getting migrated host: unexpected end of JSON input');
    }
    expect(parseError('   \n').problem).toBe('empty');
    const garbage = parseError('{"ConfigVersion": 3,, }');
    expect(garbage.problem).toBe('syntax');
    expect(garbage.message).toMatch(/^Error getting migrated host: invalid JSON: /);
  });

  it.each([
    ['[]', 'does not hold a JSON object'],
    ['{"ConfigVersion": 3, "DriverName": "x"}', 'Driver is missing'],
    ['{"ConfigVersion": 3, "Driver": [], "DriverName": "x"}', 'cannot unmarshal array into Driver'],
    ['{"ConfigVersion": 3, "Driver": {}, "DriverName": 7}', 'cannot unmarshal number 7 into DriverName of type string'],
    ['{"ConfigVersion": 3.5, "Driver": {}, "DriverName": "x"}', 'ConfigVersion is not an integer'],
    [
      '{"ConfigVersion": 3, "Driver": {}, "DriverName": "x", "HostOptions": {"EngineOptions": {"Labels": "a"}}}',
      'cannot unmarshal string into HostOptions.EngineOptions.Labels of type []string',
    ],
    [
      '{"ConfigVersion": 3, "Driver": {}, "DriverName": "x", "HostOptions": {"SwarmOptions": {"Heartbeat": 1.5}}}',
      'cannot unmarshal number 1.5 into HostOptions.SwarmOptions.Heartbeat of type int',
    ],
    [
      '{"ConfigVersion": 3, "Driver": {}, "DriverName": "x", "HostOptions": {"AuthOptions": 5}}',
      'cannot unmarshal number 5 into HostOptions.AuthOptions of type object',
    ],
  ])('rejects a badly shaped record: %s', (text, detail) => {
    const error = parseError(text);
    expect(error.problem).toBe('shape');
    expect(error.message).toContain(detail);
  });

  it("refuses a config from the future with docker-machine's wording", () => {
    const text = JSON.stringify({ ConfigVersion: 4, Driver: {}, DriverName: 'x' });
    expect(() => parseHostConfig(text, origin)).toThrow(MachineConfigVersionError);
    expect(() => parseHostConfig(text, origin)).toThrow(
      'Error getting migrated host: config version is from the future -- you should upgrade your Docker Machine client',
    );
  });
});
