import { request } from 'node:https';
import { EngineIdentity, engineAgent } from './engine-connection.js';
import { type EngineTls, parseEngineUrl } from './engine-tls.js';

/** One Docker Engine API call over mutual TLS. */
export interface EngineCall {
  /** The machine's Docker URL, `tcp://HOST:PORT`. */
  url: string;
  tls: EngineTls;
  method: 'GET' | 'POST' | 'DELETE';
  /** Unversioned API path (the engine answers at its own API version), e.g. `/swarm/init`. */
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The engine's answer: its HTTP status, the JSON body when there is one, and the raw text. */
export interface EngineAnswer {
  status: number;
  json: unknown;
  text: string;
}

/**
 * Calls the engine API and resolves with whatever status it answered (the caller decides what a
 * 503 means); rejects only when no answer came (refused, TLS failure, timeout, abort). The server
 * certificate is checked against the machine's CA and its SANs against the address, as the docker
 * CLI does (engine-connection.ts). A hand-written call, as `engine-version.ts` is: dockerode would bring docker-modem and
 * its SSH and proxy dependencies into the bundle for three requests.
 */
export function callEngine(call: EngineCall): Promise<EngineAnswer> {
  const { host, port } = parseEngineUrl(call.url);
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        path: call.path,
        method: call.method,
        agent: engineAgent(new EngineIdentity(call.tls)),
        headers: payload === undefined ? {} : { 'Content-Type': 'application/json' },
        timeout: call.timeoutMs,
        signal: call.signal,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: parseJson(text), text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${call.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The engine's error text: `{"message": "..."}` as the API sends it, else the body itself. */
export function engineErrorMessage(answer: EngineAnswer): string {
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message !== '') return message;
  return answer.text.trim().slice(0, 300) || `HTTP ${answer.status}`;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
