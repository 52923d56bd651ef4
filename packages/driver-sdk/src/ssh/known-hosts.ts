import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** `[host]:port`, as OpenSSH writes non-default ports (and we always do, for one form). */
export function knownHostsName(host: string, port: number): string {
  return `[${host}]:${port}`;
}

/** SHA256 fingerprint as OpenSSH prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string of the SSH wire-format public key. */
function keyType(keyBlob: Buffer): string {
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('ascii');
}

export async function readPinnedKey(file: string, host: string, port: number): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const name = knownHostsName(host, port);
  for (const line of text.split('\n')) {
    const [names, , base64] = line.trim().split(/\s+/);
    if (names?.split(',').includes(name) && base64) return Buffer.from(base64, 'base64');
  }
  return undefined;
}

/** Adds (or replaces) the entry for host:port in an OpenSSH-format known_hosts file. */
export async function pinKey(file: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
  const name = knownHostsName(host, port);
  let lines: string[] = [];
  try {
    lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  } catch {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  }
  lines = lines.filter((line) => !line.trim().split(/\s+/)[0]?.split(',').includes(name));
  lines.push(`${name} ${keyType(keyBlob)} ${keyBlob.toString('base64')}`);
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, `${lines.join('\n')}\n`, { mode: 0o600 });
  await rename(temp, file);
}
