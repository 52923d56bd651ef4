/**
 * The ACTIVE column of `ls`: `*` when `dockerHost` (DOCKER_HOST, or the current docker context:
 * core's dockerHostInEffect) is this machine's URL, `* (swarm)` when it
 * is the machine's swarm master URL, `-` otherwise. Only running machines can be active.
 */

export interface ActiveInput {
  readonly state: string;
  readonly url: string;
  /** The DOCKER_HOST environment variable; unset counts as empty, as in docker-machine. */
  readonly dockerHost: string | undefined;
  readonly swarmMaster?: boolean;
  /** `HostOptions.SwarmOptions.Host`, e.g. `tcp://0.0.0.0:3376`. */
  readonly swarmHost?: string;
}

export interface ActiveMarkers {
  readonly ActiveHost: boolean;
  readonly ActiveSwarm: boolean;
  readonly Active: '*' | '* (swarm)' | '-';
}

export function activeMarkers(input: ActiveInput): ActiveMarkers {
  const dockerHost = input.dockerHost ?? '';
  const running = input.state === 'Running';
  const activeHost = running && input.url === dockerHost;
  const activeSwarm =
    running && input.swarmMaster === true && swarmUrl(input.url, input.swarmHost ?? '') === dockerHost;
  return {
    ActiveHost: activeHost,
    ActiveSwarm: activeSwarm,
    Active: activeSwarm ? '* (swarm)' : activeHost ? '*' : '-',
  };
}

/** The machine URL with its port replaced by the swarm port: tcp://1.2.3.4:2376 → tcp://1.2.3.4:3376. */
export function swarmUrl(hostUrl: string, swarmHost: string): string {
  const hostPort = lastColonPart(hostUrl);
  const swarmPort = lastColonPart(swarmHost);
  return hostUrl.replace(`:${hostPort}`, `:${swarmPort}`);
}

function lastColonPart(text: string): string {
  const parts = text.split(':');
  return parts[parts.length - 1] ?? '';
}
