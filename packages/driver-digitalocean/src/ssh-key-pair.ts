import { generateKeyPair as generateKeyPairCallback } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openSshRsaPublicKey } from '@berth/driver-sdk';

const generateKeyPair = promisify(generateKeyPairCallback);

export interface MachineKeyPair {
  /** Path of the private key (PEM, PKCS#1: what ssh2 and OpenSSH both read). */
  privateKeyPath: string;
  /** The `ssh-rsa AAAA... comment` line DigitalOcean installs in authorized_keys. */
  publicKey: string;
}

/**
 * Makes the machine's own RSA key pair, `id_rsa` (0600) and `id_rsa.pub`, in the machine dir,
 * as Docker Machine did, with node:crypto only.
 */
export async function createMachineKeyPair(machineDir: string, comment: string): Promise<MachineKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  const privateKeyPath = join(machineDir, 'id_rsa');
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  await writeFile(privateKeyPath, pem, { mode: 0o600 });
  await chmod(privateKeyPath, 0o600);
  const jwk = publicKey.export({ format: 'jwk' });
  if (!jwk.n || !jwk.e) throw new Error('node:crypto made an RSA key without modulus or exponent');
  const line = openSshRsaPublicKey({ n: jwk.n, e: jwk.e }, comment);
  await writeFile(`${privateKeyPath}.pub`, `${line}\n`, { mode: 0o644 });
  return { privateKeyPath, publicKey: line };
}
