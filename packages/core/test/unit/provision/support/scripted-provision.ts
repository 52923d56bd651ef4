import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair, ScriptedDebianHost, type ScriptedDebianHostOptions } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureCaAndClientCert } from '../../../../src/certs/ca-bootstrap.js';
import { type ProvisionResult, provisionMachine } from '../../../../src/provision/index.js';
import { SshSession } from '../../../../src/ssh/index.js';
import type { AuthOptions, EngineOptions } from '../../../../src/store/host-config.js';
import { defaultAuthOptions, defaultEngineOptions } from '../../../../src/store/new-host-config.js';
import { type Store, storeAt } from '../../../../src/store/store-layout.js';

/** A store with its CA and client certificate, and the SSH key its machines are reached with. */
export interface ProvisionStore {
  store: Store;
  key: KeyPair;
  keyPath: string;
  dispose(): Promise<void>;
}

export async function makeProvisionStore(): Promise<ProvisionStore> {
  const root = await mkdtemp(join(tmpdir(), 'berth-provision-'));
  const store = storeAt(root);
  await ensureCaAndClientCert(store.certsDir);
  const key = generateKeyPair();
  const keyPath = join(root, 'id_rsa');
  await writeFile(keyPath, key.privateKey, { mode: 0o600 });
  return { store, key, keyPath, dispose: () => rm(root, { recursive: true, force: true }) };
}

export type DebianHostOptions = Omit<ScriptedDebianHostOptions, 'authorizedKey'>;

/**
 * For the enclosing file or describe block: one store (made before the tests), and scripted
 * Debian hosts that accept its key, each closed after the test that started it.
 */
export function useScriptedHosts(): {
  readonly store: ProvisionStore;
  start(options?: DebianHostOptions): Promise<ScriptedDebianHost>;
} {
  let store: ProvisionStore | undefined;
  const started: ScriptedDebianHost[] = [];
  beforeAll(async () => {
    store = await makeProvisionStore();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((host) => host.close()));
  });
  afterAll(async () => {
    await store?.dispose();
  });
  return {
    get store() {
      if (!store) throw new Error('the store is made in beforeAll');
      return store;
    },
    async start(options = {}) {
      const host = await ScriptedDebianHost.start({ ...options, authorizedKey: this.store.key.publicKey });
      started.push(host);
      return host;
    },
  };
}

export interface ProvisionRun {
  name: string;
  user?: string;
  engine?: Partial<EngineOptions>;
  tlsSans?: string[];
  signal?: AbortSignal;
}

export interface ProvisionOutcome {
  result: ProvisionResult;
  lines: string[];
  auth: AuthOptions;
}

/** provisionMachine over one real SSH session to `host`, for the machine `run.name` of `store`. */
export async function provisionOver(
  { store, keyPath }: ProvisionStore,
  host: ScriptedDebianHost,
  run: ProvisionRun,
  lines: string[] = [],
): Promise<ProvisionOutcome> {
  const auth = { ...defaultAuthOptions(store, run.name), ServerCertSANs: run.tlsSans ?? [] };
  await mkdir(auth.StorePath, { recursive: true });
  const ssh = await SshSession.connect({ host: host.ssh.address, port: host.port, user: run.user ?? 'root', keyPath });
  try {
    const result = await provisionMachine({
      machineName: run.name,
      driverName: 'generic',
      ssh,
      engine: { ...defaultEngineOptions(), ...run.engine },
      auth,
      ip: host.ssh.address,
      engineUrl: host.engine.url,
      progress: (line) => lines.push(line),
      announce: true,
      ...(run.signal ? { signal: run.signal } : {}),
    });
    return { result, lines, auth };
  } finally {
    ssh.close();
  }
}
