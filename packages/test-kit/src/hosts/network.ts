import { docker, tryDocker } from '../engine/docker.js';
import { LABEL_KIT } from '../session/labels.js';

export const NETWORK_NAME = 'berth-testkit';

export interface TestNetwork {
  name: string;
  /** The bridge's address on this machine: test hosts reach the machine through it. */
  gateway: string;
  subnet: string;
}

/**
 * An internal bridge: the machine reaches the hosts and they reach it, but nothing is routed
 * further, so no test host can send traffic off this machine.
 */
export async function ensureNetwork(): Promise<TestNetwork> {
  const inspect = () => tryDocker(['network', 'inspect', NETWORK_NAME, '--format', '{{json .IPAM.Config}}']);
  let result = await inspect();
  if (result.code !== 0) {
    const created = await tryDocker(['network', 'create', '--internal', '--label', `${LABEL_KIT}=1`, NETWORK_NAME]);
    if (created.code !== 0 && !created.stderr.includes('already exists')) {
      throw new Error(`docker network create ${NETWORK_NAME}: ${created.stderr.trim()}`);
    }
    result = await inspect();
  }
  const config = JSON.parse(result.stdout) as Array<{ Subnet?: string; Gateway?: string }>;
  const ipv4 = config.find((entry) => entry.Subnet && !entry.Subnet.includes(':'));
  if (!ipv4?.Gateway || !ipv4.Subnet) {
    throw new Error(`network ${NETWORK_NAME} has no IPv4 gateway: ${result.stdout}`);
  }
  return { name: NETWORK_NAME, gateway: ipv4.Gateway, subnet: ipv4.Subnet };
}

export async function containerAddress(container: string): Promise<string> {
  const format = `{{with index .NetworkSettings.Networks "${NETWORK_NAME}"}}{{.IPAddress}}{{end}}`;
  return (await docker(['inspect', '--format', format, container])).trim();
}
