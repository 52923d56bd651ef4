import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesAtomic } from '../store/atomic-write.js';
import { CERT_FILE_MODE, KEY_FILE_MODE } from './ca-bootstrap.js';
import { type CertPaths, SERVER_CERT_FILE, SERVER_KEY_FILE } from './cert-paths.js';
import type { ServerCertificate } from './server-cert.js';

export interface ServerCertFiles {
  certPath: string;
  keyPath: string;
}

/** Writes `server.pem` (0644) and `server-key.pem` (0600) into the machine directory, atomically. */
export async function writeServerCert(machineDir: string, cert: ServerCertificate): Promise<ServerCertFiles> {
  const files = { certPath: join(machineDir, SERVER_CERT_FILE), keyPath: join(machineDir, SERVER_KEY_FILE) };
  await writeFilesAtomic([
    { path: files.keyPath, data: cert.keyPem, mode: KEY_FILE_MODE },
    { path: files.certPath, data: cert.certPem, mode: CERT_FILE_MODE },
  ]);
  return files;
}

/**
 * Copies the CA certificate and the client certificate and key into the machine directory as
 * `ca.pem`, `cert.pem`, `key.pem`, keeping each source file's mode (provisioning does this).
 */
export async function copyCertsToMachineDir(
  paths: Pick<CertPaths, 'caCert' | 'clientCert' | 'clientKey'>,
  machineDir: string,
): Promise<string[]> {
  const copies: Array<[source: string, target: string]> = [
    [paths.caCert, join(machineDir, 'ca.pem')],
    [paths.clientCert, join(machineDir, 'cert.pem')],
    [paths.clientKey, join(machineDir, 'key.pem')],
  ];
  const files = await Promise.all(
    copies.map(async ([source, target]) => ({
      path: target,
      data: await readFile(source),
      mode: (await stat(source)).mode & 0o777,
    })),
  );
  await writeFilesAtomic(files);
  return files.map((file) => file.path);
}
