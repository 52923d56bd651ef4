import { type Agent, request } from 'node:https';
import { EngineIdentity, engineAgent } from './engine-connection.js';
import type { EngineTls } from './engine-tls.js';
import { parseEngineUrl } from './engine-tls.js';

/** The part of the Docker API's `GET /version` answer Berth shows. */
export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  Os?: string;
  Arch?: string;
}

export interface EngineQuery {
  url: string;
  tls: EngineTls;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * A keep-alive engineAgent built for `tls` (see EngineClients) to share connections between
   * queries; without one, the query makes and closes a connection of its own.
   */
  agent?: Agent;
}

/**
 * Asks the engine for its version over mutual TLS, verifying the server certificate against the
 * machine's CA and its SANs against the address (as the docker CLI will; engine-connection.ts).
 */
export function getEngineVersion(query: EngineQuery): Promise<EngineVersion> {
  const { host, port } = parseEngineUrl(query.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path: '/version',
        method: 'GET',
        agent: query.agent ?? engineAgent(new EngineIdentity(query.tls)),
        timeout: query.timeoutMs,
        signal: query.signal,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`GET /version answered ${res.statusCode}: ${body.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(body) as EngineVersion);
          } catch {
            reject(new Error(`GET /version answered with something other than JSON: ${body.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${query.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
