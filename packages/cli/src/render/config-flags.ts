import { join } from 'node:path';
// The subpath, not the barrel: the quick path (env, config) then loads no template engine.
import { quoteGo } from '@berth/go-format/quote';

/**
 * `config`: the docker CLI flags for a machine. Paths are Go-quoted (`%q`), so the
 * quotes are literal in the output, as docker-machine printed them.
 */
export interface ConfigFlagsInput {
  readonly caCertPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly dockerHost: string;
}

export function renderConfigFlags(input: ConfigFlagsInput): string {
  return (
    `--tlsverify\n--tlscacert=${quoteGo(input.caCertPath)}\n--tlscert=${quoteGo(input.certPath)}\n` +
    `--tlskey=${quoteGo(input.keyPath)}\n-H=${input.dockerHost}\n`
  );
}

/** The client certificate copies in the machine directory (`<store>/machines/<name>`). */
export function machineTlsPaths(machineDir: string): Omit<ConfigFlagsInput, 'dockerHost'> {
  return {
    caCertPath: join(machineDir, 'ca.pem'),
    certPath: join(machineDir, 'cert.pem'),
    keyPath: join(machineDir, 'key.pem'),
  };
}
