import type { SwarmModeRequest } from '@berth/core/machine';

/** docker-machine's standalone Swarm flags (create-flags.ts), which Berth accepts and ignores. */
export const RETIRED_SWARM_FLAGS = [
  'swarm',
  'swarm-master',
  'swarm-discovery',
  'swarm-image',
  'swarm-strategy',
  'swarm-opt',
  'swarm-join-opt',
  'swarm-host',
  'swarm-addr',
  'swarm-experimental',
] as const;

/** The retired flags given on this command line, as `--name` (none of them has a default). */
export function retiredSwarmFlagsGiven(flags: Readonly<Record<string, unknown>>): string[] {
  return RETIRED_SWARM_FLAGS.filter((name) => {
    const value = flags[name];
    return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
  }).map((name) => `--${name}`);
}

/**
 * Why those flags do nothing. A warning, not an error: a script written for docker-machine still
 * gets its machine, only without the standalone Swarm that can no longer be set up.
 */
export function retiredSwarmWarning(given: readonly string[]): string {
  return [
    `Warning: ${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} for docker-machine's standalone Swarm, which is retired upstream (its swarm image and hosted discovery are gone).`,
    'Berth ignores them and sets up no Swarm on this machine.',
    'For swarm mode use --swarm-mode manager, or --swarm-mode worker --swarm-join MANAGER.',
  ].join('\n');
}

/** `--swarm-mode` and `--swarm-join` as core takes them, or undefined when swarm mode is not asked for. */
export function swarmModeRequest(flags: {
  readonly 'swarm-mode'?: string | undefined;
  readonly 'swarm-join'?: string | undefined;
}): SwarmModeRequest | undefined {
  const role = flags['swarm-mode'];
  if (role !== 'manager' && role !== 'worker') return undefined;
  const join = flags['swarm-join'];
  return join ? { role, join } : { role };
}
