import { stat } from 'node:fs/promises';
import { sleep } from '@berth/driver-sdk';
import { waitForSsh } from '@berth/driver-sdk/ssh';
import { GuestWaitTimeoutError, SshKeyMissingError } from '../errors.js';
import { GUEST_ADDRESS_COMMAND, ipv4OfMac } from '../parse/guest-addresses.js';

export interface GuestAddressQuery {
  /** The NAT-forwarded SSH port on 127.0.0.1. */
  port: number;
  user: string;
  keyPath: string;
  knownHostsFile: string;
  /** The host-only NIC's MAC (showvminfo's `macaddress<N>`). */
  mac: string;
  /** Bound on SSH coming up and the NIC getting its lease, together. */
  timeoutMs: number;
  signal?: AbortSignal;
}

const POLL_MS = 1_000;
const COMMAND_TIMEOUT_MS = 15_000;

/**
 * The guest's address on the host-only network: over SSH through the NAT forward, the IPv4 of
 * the interface with the host-only NIC's MAC, polled until its DHCP lease is there.
 */
export async function guestHostOnlyIp(query: GuestAddressQuery): Promise<string> {
  const deadline = Date.now() + query.timeoutMs;
  if (!(await stat(query.keyPath).catch(() => undefined))?.isFile()) {
    throw new SshKeyMissingError(`the machine's SSH key ${query.keyPath} does not exist`, {
      actions: ['Restore the key from a backup of the machine directory, or create the machine again.'],
      data: { keyPath: query.keyPath },
    });
  }
  const session = await waitForSsh(
    {
      host: '127.0.0.1',
      port: query.port,
      user: query.user,
      keyPath: query.keyPath,
      knownHostsFile: query.knownHostsFile,
    },
    { timeoutMs: query.timeoutMs, retryAuth: true, ...(query.signal ? { signal: query.signal } : {}) },
  );
  try {
    for (;;) {
      const { stdout } = await session.run(GUEST_ADDRESS_COMMAND, {
        timeoutMs: COMMAND_TIMEOUT_MS,
        ...(query.signal ? { signal: query.signal } : {}),
      });
      const ip = ipv4OfMac(stdout, query.mac);
      if (ip) return ip;
      if (Date.now() + POLL_MS > deadline) {
        throw new GuestWaitTimeoutError(`Could not find matching IP for MAC address ${query.mac}`, {
          actions: [
            'The VM has no address on its host-only network yet: check that the network has a DHCP server (not --virtualbox-hostonly-no-dhcp) and that the guest asks for a lease on its second NIC.',
          ],
          data: { mac: query.mac },
        });
      }
      await sleep(POLL_MS, query.signal, 'waiting for an IP');
    }
  } finally {
    session.close();
  }
}
