/** An SSH wire `string`: 4-byte big-endian length, then the bytes (RFC 4251). */
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

/**
 * The OpenSSH public key line (`ssh-rsa AAAA… comment`) of an RSA key given by its JWK modulus and
 * exponent (base64url), which node:crypto exports; drivers register it with their cloud. Node has
 * no OpenSSH export of its own.
 */
export function openSshRsaPublicKey(jwk: { n: string; e: string }, comment = ''): string {
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshString(mpint(Buffer.from(jwk.e, 'base64url'))),
    sshString(mpint(Buffer.from(jwk.n, 'base64url'))),
  ]);
  return `ssh-rsa ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}
