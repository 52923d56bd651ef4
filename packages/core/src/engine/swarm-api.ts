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
  /** This engine's node ID in its swarm; empty when it is in none. */
  nodeId: string;
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
    NodeID?: unknown;
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
      nodeId: typeof swarm.NodeID === 'string' ? swarm.NodeID : '',
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

/** `docker swarm leave --force`: a manager may leave too (the caller demoted it first when it could). */
export async function leaveSwarm(target: EngineTarget): Promise<EngineResult<void>> {
  const answer = await call(target, 'POST', '/swarm/leave?force=true', undefined, QUERY_TIMEOUT_MS);
  if (answer.status !== 200) return refusal(answer);
  return { ok: true, value: undefined };
}

/** The ID of the node called `hostname`, asked of a manager; empty when it knows none. */
export async function nodeIdByHostname(target: EngineTarget, hostname: string): Promise<EngineResult<string>> {
  const filters = encodeURIComponent(JSON.stringify({ name: [hostname] }));
  const answer = await call(target, 'GET', `/nodes?filters=${filters}`, undefined, QUERY_TIMEOUT_MS);
  if (answer.status !== 200) return refusal(answer);
  const nodes = Array.isArray(answer.json)
    ? (answer.json as { ID?: unknown; Description?: { Hostname?: unknown } }[])
    : [];
  // The name filter matches prefixes too: keep the node whose hostname is exactly this one.
  const node = nodes.find((candidate) => candidate.Description?.Hostname === hostname);
  return { ok: true, value: typeof node?.ID === 'string' ? node.ID : '' };
}

/** `docker node demote ID`, on a manager: a manager node must be a worker before it can be removed. */
export async function demoteNode(target: EngineTarget, nodeId: string): Promise<EngineResult<void>> {
  const path = `/nodes/${encodeURIComponent(nodeId)}`;
  const node = await call(target, 'GET', path, undefined, QUERY_TIMEOUT_MS);
  if (node.status !== 200) return refusal(node);
  const { Version, Spec } = (node.json ?? {}) as { Version?: { Index?: unknown }; Spec?: Record<string, unknown> };
  if (typeof Version?.Index !== 'number' || typeof Spec !== 'object' || Spec === null) {
    return { ok: false, status: node.status, message: `the answer to GET ${path} has no version or spec` };
  }
  if (Spec.Role === 'worker') return { ok: true, value: undefined };
  const update = await call(
    target,
    'POST',
    `${path}/update?version=${Version.Index}`,
    { ...Spec, Role: 'worker' },
    QUERY_TIMEOUT_MS,
  );
  if (update.status !== 200) return refusal(update);
  return { ok: true, value: undefined };
}

/** `docker node rm --force ID`, on a manager. */
export async function removeNode(target: EngineTarget, nodeId: string): Promise<EngineResult<void>> {
  const answer = await call(
    target,
    'DELETE',
    `/nodes/${encodeURIComponent(nodeId)}?force=true`,
    undefined,
    QUERY_TIMEOUT_MS,
  );
  if (answer.status !== 200) return refusal(answer);
  return { ok: true, value: undefined };
}

function call(
  target: EngineTarget,
  method: 'GET' | 'POST' | 'DELETE',
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
