import { isIPv4 } from 'node:net';

/**
 * The address to reach a guest at, among those its KVP daemon reports: the first IPv4 that is not
 * link-local. docker-machine took the first entry, which could be an fe80:: address nobody can use.
 */
export function guestIpv4(addresses: readonly string[]): string | undefined {
  return addresses.find((address) => isIPv4(address) && !address.startsWith('169.254.') && address !== '0.0.0.0');
}
