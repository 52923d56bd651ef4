/**
 * `env --swarm` points DOCKER_HOST at the swarm manager: the machine's address with the port
 * of `HostOptions.SwarmOptions.Host` (whose own address is usually 0.0.0.0).
 */
export function swarmDockerHost(machineUrl: string, swarmHost: string): string {
  const machineIp = hostPart(machineUrl).split(':')[0] ?? '';
  const swarmPort = hostPart(swarmHost).split(':')[1] ?? '';
  return `tcp://${machineIp}:${swarmPort}`;
}

/** The host[:port] part of `scheme://host:port/path`. */
function hostPart(url: string): string {
  const afterScheme = url.includes('://') ? url.slice(url.indexOf('://') + 3) : url;
  const slash = afterScheme.indexOf('/');
  return slash < 0 ? afterScheme : afterScheme.slice(0, slash);
}
