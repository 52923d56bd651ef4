import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { openSshRsaPublicKey } from '@berth/driver-sdk';

export interface SshKeyPair {
  /** PEM (PKCS#1) private key, as OpenSSH and ssh2 read it. */
  privateKey: string;
  /** `ssh-rsa AAAA… comment`: the OpenSSH public key line EC2's ImportKeyPair takes. */
  publicKey: string;
}

const generate = promisify(generateKeyPair);

/** A new RSA key pair for a machine (generated off the event loop). */
export async function generateSshKeyPair(comment: string, bits = 3072): Promise<SshKeyPair> {
  const { publicKey, privateKey } = await generate('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { format: 'jwk' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  } as never);
  const jwk = publicKey as unknown as { n: string; e: string };
  return { privateKey: privateKey as unknown as string, publicKey: openSshRsaPublicKey(jwk, comment) };
}
