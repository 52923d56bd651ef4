import { createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachineKeyPair, generateSshKeyPair } from '../../src/index.js';

/** Reads the fields of an OpenSSH `ssh-rsa` public key blob. */
function readBlob(line: string): { type: string; e: Buffer; n: Buffer } {
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64');
  const fields: Buffer[] = [];
  let at = 0;
  while (at < blob.length) {
    const length = blob.readUInt32BE(at);
    fields.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  const [type, e, n] = fields as [Buffer, Buffer, Buffer];
  return { type: type.toString(), e, n };
}

describe('generateSshKeyPair', () => {
  it('gives a PEM private key and the OpenSSH line of the same public key', async () => {
    const pair = await generateSshKeyPair('berth-m', 2048);
    expect(pair.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(pair.publicKey).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ berth-m$/);
    const jwk = createPublicKey(pair.privateKey).export({ format: 'jwk' }) as { n: string; e: string };
    const { type, e, n } = readBlob(pair.publicKey);
    expect(type).toBe('ssh-rsa');
    expect(e.toString('base64url')).toBe(jwk.e);
    // mpint: a leading zero byte keeps the modulus positive.
    expect(n[0]).toBe(0);
    expect(n.subarray(1).toString('base64url')).toBe(jwk.n);
  });
});

describe('createMachineKeyPair', () => {
  it('writes id_rsa (0600) and id_rsa.pub (0644) in the machine directory, as Docker Machine kept them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-key-'));
    try {
      const pair = await createMachineKeyPair(dir, 'berth-web');
      expect(pair.privateKeyPath).toBe(join(dir, 'id_rsa'));
      expect((await stat(pair.privateKeyPath)).mode & 0o777).toBe(0o600);
      expect((await stat(`${pair.privateKeyPath}.pub`)).mode & 0o777).toBe(0o644);
      expect(await readFile(`${pair.privateKeyPath}.pub`, 'utf8')).toBe(`${pair.publicKey}\n`);
      const privateKey = await readFile(pair.privateKeyPath, 'utf8');
      const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { n: string };
      expect(Buffer.from(jwk.n, 'base64url').length * 8).toBe(2048);
      expect(readBlob(pair.publicKey).n.subarray(1).toString('base64url')).toBe(jwk.n);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
