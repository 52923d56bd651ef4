import { join } from 'node:path';

/** Where the store-wide CA and client identity live. */
export interface CertPaths {
  caCert: string;
  caKey: string;
  clientCert: string;
  clientKey: string;
}

/** docker-machine's file names inside `<store>/certs` (the `--tls-*` flags may point elsewhere). */
export function certPathsIn(certsDir: string): CertPaths {
  return {
    caCert: join(certsDir, 'ca.pem'),
    caKey: join(certsDir, 'ca-key.pem'),
    clientCert: join(certsDir, 'cert.pem'),
    clientKey: join(certsDir, 'key.pem'),
  };
}

/** File names of a machine's server identity inside its machine directory. */
export const SERVER_CERT_FILE = 'server.pem';
export const SERVER_KEY_FILE = 'server-key.pem';
