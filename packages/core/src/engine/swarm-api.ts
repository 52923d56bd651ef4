import { callEngine, type EngineAnswer, engineErrorMessage } from './engine-request.js';
import type { EngineTls } from './engine-tls.js';

/** An engine to call: its Docker URL and the client identity that opens it. */
export interface EngineTarget {
  url: string;
  tls: EngineTls;
  signal?: AbortSignal;
}

/** What the engine answered when it did not do what was asked: its status and its own message. */
export interface EngineRefusal {
  ok: false;
  status: number;
  message: string;
}

export type EngineResult<T> = { ok: true; value: T } | EngineRefusal;

/** The swarm-mode part of `GET /info`. */
export interface SwarmNodeState {
  /** `inactive`, `pending`, `active`, `error` or `locked`. */
  localNodeState: string;
  /** True on a manager. */
  controlAvailable: boolean;
  /** The managers' swarm addresses (`IP:2377`) as the engine knows them. */
  remoteManagers: string[];
}

export interface JoinTokens {
  worker: string;
  manager: string;
}

/** The port swarm mode's managers listen on for joins and cluster traffic, by default. */
export const SWARM_PORT = 2377;
const LISTEN_ADDR = `0.0.0.0:${SWARM_PORT}`;
// Joining waits for the manager to accept the node and hand out its certificate.
const JOIN_TIMEOUT_MS = 90_000;
const QUERY_TIMEOUT_MS = 20_000;

export async function swarmNodeState(target: EngineTarget): Promise<EngineResult<SwarmNodeState>> {
  const answer = await call(target, 'GET', '/info', undefined, QUERY_TIMEOUT_MS);
  if (answer.status !== 200) return refusal(answer);
  const swarm = ((answer.json as { Swarm?: Record<string, unknown> } | undefined)?.Swarm ?? {}) as {
    LocalNodeState?: unknown;
    ControlAvailable?: unknown;
    RemoteManagers?: unknown;
  };
  const managers = Array.isArray(swarm.RemoteManagers) ? swarm.RemoteManagers : [];
  return {
    ok: true,
    value: {
      localNodeState: typeof swarm.LocalNodeState === 'string' ? swarm.LocalNodeState : '',
      controlAvailable: swarm.ControlAvailable === true,
      remoteManagers: managers
        .map((manager) => (manager as { Addr?: unknown }).Addr)
        .filter((addr): addr is string => typeof addr === 'string' && addr !== ''),
    },
  };
}

/** `GET /swarm`: only a manager answers it. */
export async function swarmJoinTokens(target: EngineTarget): Promise<EngineResult<JoinTokens>> {
  const answer = await call(target, 'GET', '/swarm', undefined, QUERY_TIMEOUT_MS);
  if (answer.status !== 200) return refusal(answer);
  const tokens = (answer.json as { JoinTokens?: { Worker?: unknown; Manager?: unknown } } | undefined)?.JoinTokens;
  if (typeof tokens?.Worker !== 'string' || typeof tokens.Manager !== 'string') {
    return { ok: false, status: answer.status, message: 'the answer to GET /swarm has no join tokens' };
  }
  return { ok: true, value: { worker: tokens.Worker, manager: tokens.Manager } };
}

/** `docker swarm init --advertise-addr ADDR`; resolves with the new node's ID. */
export async function initSwarm(target: EngineTarget, advertiseAddr: string): Promise<EngineResult<string>> {
  const body = { ListenAddr: LISTEN_ADDR, AdvertiseAddr: advertiseAddr, ForceNewCluster: false };
  const answer = await call(target, 'POST', '/swarm/init', body, JOIN_TIMEOUT_MS);
  if (answer.status !== 200) return refusal(answer);
  return { ok: true, value: typeof answer.json === 'string' ? answer.json : '' };
}

export interface JoinRequest {
  advertiseAddr: string;
  /** Managers' swarm addresses, `IP:PORT`. */
  remoteAddrs: string[];
  /** A secret: never logged or shown. */
  token: string;
}

/** `docker swarm join --token T --advertise-addr ADDR MANAGER:2377`. */
export async function joinSwarm(target: EngineTarget, join: JoinRequest): Promise<EngineResult<void>> {
  const body = {
    ListenAddr: LISTEN_ADDR,
    AdvertiseAddr: join.advertiseAddr,
    RemoteAddrs: join.remoteAddrs,
    JoinToken: join.token,
  };
  const answer = await call(target, 'POST', '/swarm/join', body, JOIN_TIMEOUT_MS);
  if (answer.status !== 200) return refusal(answer, join.token);
  return { ok: true, value: undefined };
}

function call(
  target: EngineTarget,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<EngineAnswer> {
  return callEngine({
    url: target.url,
    tls: target.tls,
    method,
    path,
    body,
    timeoutMs,
    ...(target.signal ? { signal: target.signal } : {}),
  });
}

/** The engine's refusal; a secret it echoes back (a join token) is blanked out. */
function refusal(answer: EngineAnswer, secret?: string): EngineRefusal {
  const message = engineErrorMessage(answer);
  return {
    ok: false,
    status: answer.status,
    message: secret ? message.split(secret).join('<redacted>') : message,
  };
}
