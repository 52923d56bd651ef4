import type { HostConfig } from './host-config.js';

type FieldKind = 'string' | 'int' | 'number' | 'boolean' | 'strings';
interface ObjectSpec {
  readonly [key: string]: FieldKind | ObjectSpec;
}

// Known fields of a v3 record below `Driver` (which belongs to the driver and is not checked).
const HOST_OPTIONS: ObjectSpec = {
  Driver: 'string',
  Memory: 'int',
  Disk: 'int',
  EngineOptions: {
    ArbitraryFlags: 'strings',
    Dns: 'strings',
    GraphDir: 'string',
    Env: 'strings',
    Ipv6: 'boolean',
    InsecureRegistry: 'strings',
    Labels: 'strings',
    LogLevel: 'string',
    StorageDriver: 'string',
    SelinuxEnabled: 'boolean',
    TlsVerify: 'boolean',
    RegistryMirror: 'strings',
    InstallURL: 'string',
  },
  SwarmOptions: {
    IsSwarm: 'boolean',
    Address: 'string',
    Discovery: 'string',
    Agent: 'boolean',
    Master: 'boolean',
    Host: 'string',
    Image: 'string',
    Strategy: 'string',
    Heartbeat: 'int',
    Overcommit: 'number',
    ArbitraryFlags: 'strings',
    ArbitraryJoinFlags: 'strings',
    Env: 'strings',
    IsExperimental: 'boolean',
  },
  AuthOptions: {
    CertDir: 'string',
    CaCertPath: 'string',
    CaPrivateKeyPath: 'string',
    CaCertRemotePath: 'string',
    ServerCertPath: 'string',
    ServerKeyPath: 'string',
    ClientKeyPath: 'string',
    ServerCertRemotePath: 'string',
    ServerKeyRemotePath: 'string',
    ClientCertPath: 'string',
    ServerCertSANs: 'strings',
    StorePath: 'string',
  },
};

export type ShapeCheck = { ok: true; config: HostConfig } | { ok: false; problem: string };

/**
 * Checks a parsed v3 record in place. Like Go's decoder, a missing or null known field gets its zero
 * value (appended, so a file docker-machine wrote keeps its bytes), and a wrong type is an error.
 * Unknown fields are left alone.
 */
export function checkHostConfigShape(raw: Record<string, unknown>, name: string): ShapeCheck {
  if (!isObject(raw.Driver)) return { ok: false, problem: describe('Driver', raw.Driver, 'object') };
  if (typeof raw.DriverName !== 'string') {
    return { ok: false, problem: describe('DriverName', raw.DriverName, 'string') };
  }
  if (raw.HostOptions === undefined || raw.HostOptions === null) raw.HostOptions = {};
  if (!isObject(raw.HostOptions)) return { ok: false, problem: describe('HostOptions', raw.HostOptions, 'object') };
  const problem = applySpec(raw.HostOptions, HOST_OPTIONS, 'HostOptions');
  if (problem !== undefined) return { ok: false, problem };
  raw.Name = name;
  return { ok: true, config: raw as HostConfig };
}

function applySpec(target: Record<string, unknown>, spec: ObjectSpec, path: string): string | undefined {
  for (const [key, kind] of Object.entries(spec)) {
    const fieldPath = `${path}.${key}`;
    const value = target[key];
    if (typeof kind !== 'string') {
      if (value === undefined || value === null) target[key] = {};
      const child = target[key];
      if (!isObject(child)) return describe(fieldPath, value, 'object');
      const problem = applySpec(child, kind, fieldPath);
      if (problem !== undefined) return problem;
    } else if (value === undefined || (value === null && kind !== 'strings')) {
      target[key] = zeroValue(kind);
    } else if (!hasKind(value, kind)) {
      return describe(fieldPath, value, kind);
    }
  }
  return undefined;
}

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'strings':
      return value === null || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
  }
}

function zeroValue(kind: FieldKind): unknown {
  switch (kind) {
    case 'string':
      return '';
    case 'int':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'strings':
      return null;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Modelled on Go's "json: cannot unmarshal X into ... of type Y" so messages read like docker-machine's.
function describe(path: string, value: unknown, expected: FieldKind | 'object'): string {
  const goType = {
    string: 'string',
    int: 'int',
    number: 'float64',
    boolean: 'bool',
    strings: '[]string',
    object: 'object',
  };
  if (value === undefined) return `${path} is missing`;
  return `json: cannot unmarshal ${jsonKind(value)} into ${path} of type ${goType[expected]}`;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return `number ${value}`;
  return typeof value === 'boolean' ? 'bool' : typeof value;
}
