import type { RemoteDriver } from '../driver-host/remote-driver.js';
import {
  demoteNode,
  type EngineResult,
  type EngineTarget,
  leaveSwarm,
  nodeIdByHostname,
  removeNode,
  swarmNodeState,
} from '../engine/swarm-api.js';
import { SwarmLeaveError } from '../errors/swarm-errors.js';
import { listMachines, type MachineRecord } from '../store/load-machine.js';
import { type SwarmMembership, swarmMembershipOf } from '../store/swarm-membership.js';
import type { BerthContext } from './berth-context.js';
import { engineTargetOf } from './engine-target.js';

export interface SwarmLeaveOptions {
  progress: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Before `rm` removes a machine that Berth put in a swarm (`create --swarm-mode`), its node
 * leaves the swarm and another manager of the store deletes it, so `docker node ls` does not keep
 * a `Down` node for ever. A manager is demoted first: a manager node cannot be deleted. When the
 * machine is the only manager Berth knows, it just leaves. Docker Machine had no swarm mode.
 * Resolves with a warning when any of it failed (the caller removes the machine regardless), or
 * undefined.
 */
export async function leaveSwarmBeforeRemove(
  ctx: BerthContext,
  record: MachineRecord,
  driver: RemoteDriver,
  options: SwarmLeaveOptions,
): Promise<SwarmLeaveError | undefined> {
  const membership = swarmMembershipOf(record.config);
  if (membership === undefined) return undefined;
  const { signal } = options;
  options.progress(`Leaving the swarm of ${membership.Manager}...`);
  const { manager, tried } = await reachableManager(ctx, record.name, membership, signal);
  const ownTarget = await attempt(engineTargetOf(ctx, record, driver, signal).then(asOk));
  const own = ownTarget.ok ? await attempt(swarmNodeState(ownTarget.value)) : ownTarget;
  let nodeId = own.ok ? own.value.nodeId : '';
  if (nodeId === '' && manager) {
    // The machine's engine did not answer (stopped, gone): its manager knows the node by hostname,
    // which provisioning set to the machine's name.
    const found = await attempt(nodeIdByHostname(manager.target, record.name));
    if (found.ok) nodeId = found.value;
  }
  // The manager to run the cleanup on: the one that answered, else the first one asked.
  const cleanupOn = manager?.name ?? tried[0];
  const fail = (detail: string) =>
    new SwarmLeaveError(record.name, membership.Manager, detail, {
      ...(cleanupOn ? { manager: cleanupOn } : {}),
      ...(nodeId ? { nodeId } : {}),
    });

  if (manager && nodeId && membership.Role === 'manager') {
    const demoted = await attempt(demoteNode(manager.target, nodeId));
    if (!demoted.ok) return fail(`demoting its node on "${manager.name}" failed: ${demoted.message}`);
  }
  if (ownTarget.ok && own.ok && own.value.localNodeState !== 'inactive') {
    const left = await attempt(leaveSwarm(ownTarget.value));
    if (!left.ok) return fail(`its engine could not leave: ${left.message}`);
  }
  if (manager === undefined) {
    // Only the machine that started the swarm, with no other manager in the store, has nobody to tell.
    if (tried.length === 0 && membership.Manager === record.name) return undefined;
    const asked = tried.length > 0 ? `(asked ${tried.join(', ')})` : `("${membership.Manager}" is not in the store)`;
    return fail(`no manager of the swarm answered ${asked}, so its node stays listed there as Down`);
  }
  if (nodeId === '') return fail(`neither its engine nor "${manager.name}" knows its node ID`);
  const removed = await attempt(removeNode(manager.target, nodeId));
  if (!removed.ok) return fail(`"${manager.name}" could not delete its node: ${removed.message}`);
  return undefined;
}

interface ReachableManager {
  name: string;
  target: EngineTarget;
}

/**
 * Another machine of the store that manages the same swarm and answers as a manager: the one that
 * initialised it first, then the others. `tried` names every candidate.
 */
async function reachableManager(
  ctx: BerthContext,
  leaving: string,
  membership: SwarmMembership,
  signal: AbortSignal | undefined,
): Promise<{ manager?: ReachableManager; tried: string[] }> {
  const candidates = (await listMachines(ctx.store))
    .flatMap((entry) => (entry.ok && entry.name !== leaving ? [entry.machine] : []))
    .filter((machine) => {
      const other = swarmMembershipOf(machine.config);
      return other?.Role === 'manager' && other.Manager === membership.Manager;
    })
    .sort((a, b) => Number(b.name === membership.Manager) - Number(a.name === membership.Manager));
  const tried = candidates.map((machine) => machine.name);
  for (const machine of candidates) {
    // A candidate whose driver or engine cannot be reached is passed over, never fails the rm.
    const target = await attempt(
      ctx.drivers
        .get(machine.config.DriverName)
        .then((driver) => engineTargetOf(ctx, machine, driver, signal))
        .then(asOk),
    );
    if (!target.ok) continue;
    const state = await attempt(swarmNodeState(target.value));
    if (state.ok && state.value.localNodeState === 'active' && state.value.controlAvailable) {
      return { manager: { name: machine.name, target: target.value }, tried };
    }
  }
  return { tried };
}

function asOk<T>(value: T): EngineResult<T> {
  return { ok: true, value };
}

/** An engine call, or a step before it, that got no answer reads as a refusal with status 0. */
async function attempt<T>(call: Promise<EngineResult<T>>): Promise<EngineResult<T>> {
  try {
    return await call;
  } catch (error) {
    return { ok: false, status: 0, message: error instanceof Error ? error.message : String(error) };
  }
}
