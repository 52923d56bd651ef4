/** The SWARM column of `ls`, and the "active" markers that depend on swarm settings. */

/** A swarm-mode membership Berth set up (core's `HostOptions.SwarmMode`). */
export interface LsSwarmMode {
  readonly Role: 'manager' | 'worker';
  /** The machine that initialised the swarm. */
  readonly Manager: string;
}

export interface SwarmHost {
  readonly Name: string;
  readonly SwarmOptions?: { readonly Discovery?: string; readonly Master?: boolean } | null;
  readonly SwarmMode?: LsSwarmMode | null | undefined;
}

/** Discovery URL → name of the swarm master using it (a later master wins, as in docker-machine). */
export function swarmMasters(hosts: readonly SwarmHost[]): Map<string, string> {
  const masters = new Map<string, string>();
  for (const host of hosts) {
    if (host.SwarmOptions?.Master) masters.set(host.SwarmOptions.Discovery ?? '', host.Name);
  }
  return masters;
}

/**
 * The swarm a machine belongs to. Swarm mode (which Berth sets up): `MANAGER (manager)` or
 * `MANAGER (worker)`, MANAGER being the machine that initialised the swarm. Standalone Swarm,
 * in records docker-machine wrote: the master's name for a member, `NAME (master)` for the
 * master itself. Else empty: Berth never sets up standalone Swarm, so its flags show nothing.
 */
export function swarmColumn(host: SwarmHost, masters: ReadonlyMap<string, string>): string {
  if (host.SwarmMode) return `${host.SwarmMode.Manager} (${host.SwarmMode.Role})`;
  const discovery = host.SwarmOptions?.Discovery ?? '';
  if (discovery === '') return '';
  const master = masters.get(discovery) ?? '';
  return host.SwarmOptions?.Master ? `${master} (master)` : master;
}

/** The name `ls --filter swarm=NAME` matches: the swarm-mode manager, else the standalone master. */
export function swarmName(host: SwarmHost, masters: ReadonlyMap<string, string>): string | undefined {
  if (host.SwarmMode) return host.SwarmMode.Manager;
  return host.SwarmOptions == null ? undefined : (masters.get(host.SwarmOptions.Discovery ?? '') ?? '');
}
