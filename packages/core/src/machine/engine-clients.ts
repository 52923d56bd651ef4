import { Agent } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { EngineTls } from '../engine/engine-tls.js';
import type { HostConfig } from '../store/host-config.js';
import { engineTlsFor } from './engine-tls-files.js';

/** At most this many connections from one command to one engine; further queries wait for a free one. */
export const MAX_SOCKETS_PER_ENGINE = 6;

/** What a command needs to query an engine: the TLS files' contents and a pooling agent for them. */
export interface EngineClient {
  tls: EngineTls;
  agent: Agent;
}

/**
 * The engine clients of one command, one per client identity (CA, client cert, key paths). The
 * files are read and parsed into a TLS secure context once, and a keep-alive agent reuses
 * connections per engine address: `ls` over many machines that share those files (every machine
 * of a store does) and often an engine too makes a handful of TLS handshakes, not one per machine.
 * `close()` ends every pooled connection.
 */
export class EngineClients {
  private readonly clients = new Map<string, Promise<EngineClient>>();

  for(config: HostConfig): Promise<EngineClient> {
    const auth = config.HostOptions.AuthOptions;
    const key = JSON.stringify([auth.CaCertPath, auth.ClientCertPath, auth.ClientKeyPath]);
    let client = this.clients.get(key);
    if (client === undefined) {
      client = engineTlsFor(config).then((tls) => ({
        tls,
        agent: new Agent({
          keepAlive: true,
          maxSockets: MAX_SOCKETS_PER_ENGINE,
          // Verifies the engine against this CA only, and its SANs against the address, as before.
          secureContext: createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key }),
        }),
      }));
      this.clients.set(key, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) {
      client.then(
        ({ agent }) => agent.destroy(),
        () => undefined,
      );
    }
    this.clients.clear();
  }
}
