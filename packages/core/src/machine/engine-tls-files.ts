import { readFile } from 'node:fs/promises';
import type { EngineTls } from '../engine/engine-tls.js';
import type { HostConfig } from '../store/host-config.js';

/** The CA and client identity a machine's config points at, for talking TLS to its engine. */
export async function engineTlsFor(config: HostConfig): Promise<EngineTls> {
  const auth = config.HostOptions.AuthOptions;
  const [ca, cert, key] = await Promise.all([
    readFile(auth.CaCertPath),
    readFile(auth.ClientCertPath),
    readFile(auth.ClientKeyPath),
  ]);
  return { ca, cert, key };
}
