import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureCaAndClientCert } from '../../../src/certs/ca-bootstrap.js';
import { copyCertsToMachineDir, writeServerCert } from '../../../src/certs/machine-certs.js';
import { generateServerCert } from '../../../src/certs/server-cert.js';
import { createMachineDir } from '../../../src/store/save-machine.js';
import { storeAt } from '../../../src/store/store-layout.js';
import { makeTempDir, removeTempDir } from '../store/support/fixture-store.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

let tmp: string;

beforeEach(async () => {
  tmp = await makeTempDir();
});

afterEach(async () => {
  await removeTempDir(tmp);
});

describe('machine certificate files', () => {
  it('writes server.pem 0644 and server-key.pem 0600, and replaces them on re-issue', async () => {
    const store = storeAt(join(tmp, 'store'));
    const { paths } = await ensureCaAndClientCert(store.certsDir, { org: 'u' });
    const dir = await createMachineDir(store, 'm1');
    const request = {
      caCertPem: await readFile(paths.caCert, 'utf8'),
      caKeyPem: await readFile(paths.caKey, 'utf8'),
      org: 'u.m1',
      hosts: ['10.0.0.1', 'localhost'],
    };
    const first = await generateServerCert(request);
    const files = await writeServerCert(dir, first);
    expect(files).toEqual({ certPath: join(dir, 'server.pem'), keyPath: join(dir, 'server-key.pem') });
    expect(await readFile(files.certPath, 'utf8')).toBe(first.certPem);
    expect(await readFile(files.keyPath, 'utf8')).toBe(first.keyPem);
    expect(await mode(files.certPath)).toBe(0o644);
    expect(await mode(files.keyPath)).toBe(0o600);

    const second = await generateServerCert(request);
    await writeServerCert(dir, second);
    expect(await readFile(files.keyPath, 'utf8')).toBe(second.keyPem);
    expect((await readdir(dir)).sort()).toEqual(['server-key.pem', 'server.pem']);
  });

  it('copies ca.pem, cert.pem and key.pem into the machine dir with their modes', async () => {
    const store = storeAt(join(tmp, 'store'));
    const { paths } = await ensureCaAndClientCert(store.certsDir, { org: 'u' });
    await chmod(paths.clientCert, 0o640);
    const dir = await createMachineDir(store, 'm1');
    const copied = await copyCertsToMachineDir(paths, dir);
    expect(copied).toEqual([join(dir, 'ca.pem'), join(dir, 'cert.pem'), join(dir, 'key.pem')]);
    expect(await readFile(join(dir, 'ca.pem'), 'utf8')).toBe(await readFile(paths.caCert, 'utf8'));
    expect(await readFile(join(dir, 'key.pem'), 'utf8')).toBe(await readFile(paths.clientKey, 'utf8'));
    expect(await mode(join(dir, 'ca.pem'))).toBe(0o644);
    expect(await mode(join(dir, 'cert.pem'))).toBe(0o640);
    expect(await mode(join(dir, 'key.pem'))).toBe(0o600);
  });
});
