import { generateKeyPair } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openSshRsaPublicKey } from './ssh-public-key.js';

export interface SshKeyPair {
  /** PEM (PKCS#1) private key, as OpenSSH and ssh2 read it. */
  privateKey: string;
  /** `ssh-rsa AAAA… comment`: the OpenSSH public key line clouds take (authorized_keys, ImportKeyPair). */
  publicKey: string;
}

/** A new RSA key pair for a machine, generated off the event loop with node:crypto. */
export async function generateSshKeyPair(comment: string, bits = 2048): Promise<SshKeyPair> {
  // Promisified here, not at module load, which would load node:crypto in every command.
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  if (!jwk.n || !jwk.e) throw new Error('node:crypto made an RSA key without modulus or exponent');
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  return { privateKey: pem, publicKey: openSshRsaPublicKey({ n: jwk.n, e: jwk.e }, comment) };
}

export interface MachineKeyPair {
  /** Path of the private key, `<machine dir>/id_rsa`. */
  privateKeyPath: string;
  /** The OpenSSH public key line, also in `id_rsa.pub`. */
  publicKey: string;
}

/** Writes a machine's key pair where Docker Machine kept it: `id_rsa` (0600) and `id_rsa.pub`. */
export async function writeMachineKeyPair(machineDir: string, pair: SshKeyPair): Promise<MachineKeyPair> {
  const privateKeyPath = join(machineDir, 'id_rsa');
  await writeFile(privateKeyPath, pair.privateKey, { mode: 0o600 });
  // An existing file keeps its mode through writeFile.
  await chmod(privateKeyPath, 0o600);
  await writeFile(`${privateKeyPath}.pub`, `${pair.publicKey}\n`, { mode: 0o644 });
  return { privateKeyPath, publicKey: pair.publicKey };
}

/** A new key pair for the machine, written to its directory. */
export async function createMachineKeyPair(machineDir: string, comment: string, bits = 2048): Promise<MachineKeyPair> {
  return writeMachineKeyPair(machineDir, await generateSshKeyPair(comment, bits));
}
