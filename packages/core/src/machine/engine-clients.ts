import type { Agent } from 'node:https';
import { EngineIdentity, engineAgent } from '../engine/engine-connection.js';
import type { EngineTls } from '../engine/engine-tls.js';
import { type EngineVersion, getEngineVersion } from '../engine/engine-version.js';
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
  private readonly versions = new Map<string, Promise<EngineVersion>>();

  for(config: HostConfig): Promise<EngineClient> {
    const key = identityKey(config);
    let client = this.clients.get(key);
    if (client === undefined) {
      client = engineTlsFor(config).then((tls) => ({
        tls,
        // Verifies each engine against this CA only, and its SANs against the address.
        agent: engineAgent(new EngineIdentity(tls), { keepAlive: true, maxSockets: MAX_SOCKETS_PER_ENGINE }),
      }));
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * The engine at `url`'s `GET /version`, asked once per command for each client identity: machines
   * that share an engine (a store's machines share the identity) get the one answer, so `ls` of a
   * hundred machines on one engine makes one request, not a hundred in parallel. The query is not
   * tied to one caller's signal; each caller stops waiting on its own (see {@link untilAborted}).
   */
  version(config: HostConfig, url: string, timeoutMs: number): Promise<EngineVersion> {
    const key = JSON.stringify([identityKey(config), url]);
    let version = this.versions.get(key);
    if (version === undefined) {
      version = this.for(config).then(({ tls, agent }) => getEngineVersion({ url, tls, agent, timeoutMs }));
      version.catch(() => undefined);
      this.versions.set(key, version);
    }
    return version;
  }

  close(): void {
    for (const client of this.clients.values()) {
      client.then(
        ({ agent }) => agent.destroy(),
        () => undefined,
      );
    }
    this.clients.clear();
    this.versions.clear();
  }
}

function identityKey(config: HostConfig): string {
  const auth = config.HostOptions.AuthOptions;
  return JSON.stringify([auth.CaCertPath, auth.ClientCertPath, auth.ClientKeyPath]);
}

/** `work`, or a rejection with the signal's reason as soon as `signal` aborts. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
