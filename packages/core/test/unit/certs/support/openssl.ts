import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface OpensslResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the openssl CLI; fails with a clear message when it is not installed. */
export function openssl(args: readonly string[]): Promise<OpensslResult> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && 'code' in error && error.code === 'ENOENT') {
        reject(new Error('these tests need the openssl CLI on PATH (apt-get install openssl)'));
        return;
      }
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes PEM strings to files in `dir` and returns their paths, for openssl. */
export async function pemFiles(dir: string, files: Record<string, string>): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, pem] of Object.entries(files)) {
    paths[name] = join(dir, `${name}.pem`);
    await writeFile(paths[name], pem);
  }
  return paths;
}

/** `openssl verify` of `cert` against `ca` for a purpose (`sslserver` / `sslclient`). */
export async function opensslVerify(dir: string, caPem: string, certPem: string, purpose: string) {
  const paths = await pemFiles(dir, { 'verify-ca': caPem, 'verify-cert': certPem });
  return openssl(['verify', '-purpose', purpose, '-CAfile', paths['verify-ca'] ?? '', paths['verify-cert'] ?? '']);
}

/** `openssl x509 -text` of a PEM certificate. */
export async function opensslText(dir: string, certPem: string): Promise<string> {
  const paths = await pemFiles(dir, { text: certPem });
  const result = await openssl(['x509', '-noout', '-text', '-in', paths.text ?? '']);
  if (result.code !== 0) throw new Error(`openssl x509 failed: ${result.stderr}`);
  return result.stdout;
}
