import { InvalidFlagError } from '@berth/driver-protocol';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import { parseEngineUrl } from '../engine/engine-tls.js';
import {
  type EngineResult,
  type EngineTarget,
  initSwarm,
  joinSwarm,
  SWARM_PORT,
  swarmJoinTokens,
  swarmNodeState,
} from '../engine/swarm-api.js';
import { MachineNotFoundError } from '../errors/store-errors.js';
import {
  SwarmInitError,
  SwarmJoinError,
  SwarmManagerUnknownError,
  SwarmManagerUnreachableError,
  SwarmNotManagerError,
} from '../errors/swarm-errors.js';
import { loadMachine, type MachineRecord } from '../store/load-machine.js';
import { type SwarmRole, setSwarmMembership, swarmMembershipOf } from '../store/swarm-membership.js';
import type { BerthContext } from './berth-context.js';
import { engineTargetOf } from './engine-target.js';
import { machineParams } from './machine-params.js';

/** `create --swarm-mode ROLE [--swarm-join MANAGER]`. */
export interface SwarmModeRequest {
  role: SwarmRole;
  /** A machine of the store that manages the swarm to join; without it, a manager starts a new swarm. */
  join?: string;
}

/**
 * What create does once the machine runs Docker: start a swarm, or join one whose token and
 * managers were read before the machine was made. Held in memory only: the token is a secret.
 */
export interface SwarmModePlan {
  role: SwarmRole;
  join?: {
    manager: string;
    /** The swarm's name in `ls`: the machine that initialised it. */
    swarm: string;
    remoteAddrs: string[];
    token: string;
  };
}

export interface SwarmModeProgress {
  progress: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Checks before create makes anything that the manager to join is a machine of this store and a
 * swarm manager, and reads its join token and managers' addresses from its engine.
 * @throws SwarmManagerUnknownError, SwarmManagerUnreachableError, SwarmNotManagerError
 */
export async function planSwarmMode(
  ctx: BerthContext,
  request: SwarmModeRequest,
  signal?: AbortSignal,
): Promise<SwarmModePlan> {
  const manager = request.join;
  if (manager === undefined && request.role === 'worker') {
    throw new InvalidFlagError('--swarm-mode worker needs --swarm-join MANAGER: a worker joins an existing swarm', {
      actions: ['Name the manager to join: --swarm-join NAME (a machine of `berth ls` that is a swarm manager).'],
      data: { flag: 'swarm-mode', value: 'worker' },
    });
  }
  if (manager === undefined) return { role: request.role };
  let record: MachineRecord;
  try {
    record = await loadMachine(ctx.store, manager);
  } catch (error) {
    if (error instanceof MachineNotFoundError) throw new SwarmManagerUnknownError(manager);
    throw error;
  }
  const driver = await ctx.drivers.get(record.config.DriverName);
  let target: EngineTarget;
  try {
    target = await engineTargetOf(ctx, record, driver, signal);
  } catch (error) {
    throw new SwarmManagerUnreachableError(manager, '(no URL)', messageOf(error), error);
  }
  const state = await unlessUnreachable(manager, target, swarmNodeState(target));
  if (!state.ok) throw new SwarmManagerUnreachableError(manager, target.url, state.message);
  const { localNodeState, controlAvailable } = state.value;
  if (localNodeState !== 'active' || !controlAvailable) {
    const detail =
      localNodeState === 'active' ? 'it is a worker' : `its swarm state is "${localNodeState || 'inactive'}"`;
    throw new SwarmNotManagerError(manager, detail);
  }
  const tokens = await unlessUnreachable(manager, target, swarmJoinTokens(target));
  if (!tokens.ok) throw new SwarmNotManagerError(manager, tokens.message);
  const remoteAddrs =
    state.value.remoteManagers.length > 0
      ? state.value.remoteManagers
      : [`${parseEngineUrl(target.url).host}:${SWARM_PORT}`];
  return {
    role: request.role,
    join: {
      manager,
      swarm: swarmMembershipOf(record.config)?.Manager ?? manager,
      remoteAddrs,
      token: request.role === 'manager' ? tokens.value.manager : tokens.value.worker,
    },
  };
}

/**
 * Starts or joins the swarm on a machine that runs Docker, through its engine API over the
 * machine's TLS, advertising the machine's IP, and notes the membership in `record.config`
 * (saved by the caller).
 * @throws SwarmInitError, SwarmJoinError with the engine's own message
 */
export async function applySwarmMode(
  ctx: BerthContext,
  record: MachineRecord,
  driver: RemoteDriver,
  plan: SwarmModePlan,
  options: SwarmModeProgress,
): Promise<void> {
  const { progress, signal } = options;
  const { ip } = await driver.getIp(machineParams(ctx.store, record), { signal });
  const target = await engineTargetOf(ctx, record, driver, signal);
  if (plan.join === undefined) {
    progress('Initialising swarm mode: this machine is its manager...');
    const init = await settled(target, initSwarm(target, ip));
    if (!init.ok) throw new SwarmInitError(record.name, ip, init.message, init.status || undefined);
    setSwarmMembership(record.config, { Role: 'manager', Manager: record.name });
    return;
  }
  const { manager, swarm, remoteAddrs, token } = plan.join;
  progress(`Joining the swarm of ${manager} as a ${plan.role}...`);
  const joined = await settled(target, joinSwarm(target, { advertiseAddr: ip, remoteAddrs, token }));
  if (!joined.ok)
    throw new SwarmJoinError(record.name, manager, remoteAddrs, joined.message, joined.status || undefined);
  setSwarmMembership(record.config, { Role: plan.role, Manager: swarm });
}

/** A call to the manager that got no answer at all is the manager being unreachable. */
async function unlessUnreachable<T>(
  manager: string,
  target: EngineTarget,
  call: Promise<EngineResult<T>>,
): Promise<EngineResult<T>> {
  try {
    return await call;
  } catch (error) {
    target.signal?.throwIfAborted();
    throw new SwarmManagerUnreachableError(manager, target.url, messageOf(error), error);
  }
}

/** A call to the new machine that got no answer reads as a refusal with status 0. */
async function settled<T>(target: EngineTarget, call: Promise<EngineResult<T>>): Promise<EngineResult<T>> {
  try {
    return await call;
  } catch (error) {
    target.signal?.throwIfAborted();
    return { ok: false, status: 0, message: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
