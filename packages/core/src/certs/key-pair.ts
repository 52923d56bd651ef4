import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

export interface RsaKeyPair {
  /** PKCS#1 PEM (`RSA PRIVATE KEY`), the format docker-machine writes. */
  privateKeyPem: string;
  /** SPKI PEM (`PUBLIC KEY`). */
  publicKeyPem: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh RSA 2048 key pair, generated off the main thread. */
export async function generateRsaKeyPair(): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
