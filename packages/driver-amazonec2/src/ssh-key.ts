import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

export interface SshKeyPair {
  /** PEM (PKCS#1) private key, as OpenSSH and ssh2 read it. */
  privateKey: string;
  /** `ssh-rsa AAAA… comment`: the OpenSSH public key line EC2's ImportKeyPair takes. */
  publicKey: string;
}

const generate = promisify(generateKeyPair);

/** An SSH wire `string`: 4-byte big-endian length, then the bytes. */
function wireString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** An SSH `mpint`: unsigned big-endian, with a leading zero byte when the top bit is set. */
function mpint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const trimmed = bytes.subarray(start);
  return wireString((trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** The OpenSSH public key line of an RSA key given as JWK modulus and exponent (base64url). */
export function openSshPublicKey(n: string, e: string, comment: string): string {
  const blob = Buffer.concat([
    wireString(Buffer.from('ssh-rsa')),
    mpint(Buffer.from(e, 'base64url')),
    mpint(Buffer.from(n, 'base64url')),
  ]);
  return `ssh-rsa ${blob.toString('base64')} ${comment}`;
}

/** A new RSA key pair for a machine (generated off the event loop). */
export async function generateSshKeyPair(comment: string, bits = 3072): Promise<SshKeyPair> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { format: 'jwk' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  } as never);
  const jwk = publicKey as unknown as { n: string; e: string };
  return { privateKey: privateKey as unknown as string, publicKey: openSshPublicKey(jwk.n, jwk.e, comment) };
}
