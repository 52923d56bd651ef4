import { generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
  const line = `${openSshPublicKey(publicKey)} ${comment}`;
  await writeFile(`${privateKeyPath}.pub`, `${line}\n`, { mode: 0o644 });
  return { privateKeyPath, publicKey: line };
}

/** `ssh-rsa <base64 of the RFC 4253 blob>` for an RSA public key. */
export function openSshPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('not an RSA public key');
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshString(mpint(Buffer.from(jwk.e, 'base64url'))),
    sshString(mpint(Buffer.from(jwk.n, 'base64url'))),
  ]);
  return `ssh-rsa ${blob.toString('base64')}`;
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An unsigned big-endian integer as an SSH mpint: a leading zero byte when the top bit is set. */
function mpint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}
