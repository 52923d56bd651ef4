import type { HostConfig } from './host-config.js';

/** A swarm-mode node's role. */
export type SwarmRole = 'manager' | 'worker';

/**
 * The swarm Berth set up on a machine (`create --swarm-mode`), kept in config.json as
 * `HostOptions.SwarmMode`: docker-machine's reader ignores fields it does not know (Go's JSON
 * decoder), though a docker-machine command that saves the record drops it, which loses only
 * this note, not the swarm. Standalone Swarm's `SwarmOptions` stay docker-machine's.
 */
export interface SwarmMembership {
  Role: SwarmRole;
  /** The machine whose swarm this is: the one that initialised it (itself, for that manager). */
  Manager: string;
}

export const SWARM_MEMBERSHIP_KEY = 'SwarmMode';

/** The machine's swarm-mode membership, or undefined when it has none (or a hand edit broke it). */
export function swarmMembershipOf(config: HostConfig): SwarmMembership | undefined {
  const value = config.HostOptions[SWARM_MEMBERSHIP_KEY] as { Role?: unknown; Manager?: unknown } | null | undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if ((value.Role !== 'manager' && value.Role !== 'worker') || typeof value.Manager !== 'string') return undefined;
  return { Role: value.Role, Manager: value.Manager };
}

export function setSwarmMembership(config: HostConfig, membership: SwarmMembership): void {
  config.HostOptions[SWARM_MEMBERSHIP_KEY] = { Role: membership.Role, Manager: membership.Manager };
}
