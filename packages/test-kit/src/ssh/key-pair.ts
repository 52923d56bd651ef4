import ssh2 from 'ssh2';

export interface KeyPair {
  /** OpenSSH private key. */
  privateKey: string;
  /** `ssh-rsa AAAA… comment` line for authorized_keys. */
  publicKey: string;
}

/** An RSA key as Docker Machine users typically hold (`--generic-ssh-key ~/.ssh/id_rsa`). */
export function generateKeyPair(comment = 'berth-test-kit'): KeyPair {
  const pair = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048, comment });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}
