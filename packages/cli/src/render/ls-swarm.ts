/** The SWARM column of `ls`, and the "active" markers that depend on swarm settings. */

export interface SwarmHost {
  readonly Name: string;
  readonly SwarmOptions?: { readonly Discovery?: string; readonly Master?: boolean } | null;
}

/** Discovery URL → name of the swarm master using it (a later master wins, as in docker-machine). */
export function swarmMasters(hosts: readonly SwarmHost[]): Map<string, string> {
  const masters = new Map<string, string>();
  for (const host of hosts) {
    if (host.SwarmOptions?.Master) masters.set(host.SwarmOptions.Discovery ?? '', host.Name);
  }
  return masters;
}

/** The master's name for a swarm member, `NAME (master)` for the master itself, else empty. */
export function swarmColumn(host: SwarmHost, masters: ReadonlyMap<string, string>): string {
  const discovery = host.SwarmOptions?.Discovery ?? '';
  if (discovery === '') return '';
  const master = masters.get(discovery) ?? '';
  return host.SwarmOptions?.Master ? `${master} (master)` : master;
}
