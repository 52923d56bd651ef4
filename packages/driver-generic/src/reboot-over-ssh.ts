import { join } from 'node:path';
import { TimeoutError } from '@berth/driver-protocol';
import { sleep } from '@berth/driver-sdk';
import { RemoteCommandError, type SshConnectOptions, waitForSsh } from '@berth/driver-sdk/ssh';

// The kernel's boot id changes on every boot of a VM; in a container it is the host's, but PID 1's
// start time changes instead. Either one differing means the machine really went down and up.
const BOOT_MARKER = 'cat /proc/sys/kernel/random/boot_id; cut -d" " -f22 /proc/1/stat';

export interface RebootOptions {
  ssh: SshConnectOptions;
  timeoutMs: number;
  signal: AbortSignal;
  progress: (line: string) => void;
}

/**
 * Reboots through SSH. The connection dropping under `shutdown -r` is the reboot happening, not a
 * failure (Docker Machine reported it as exit 255); then waits, bounded, for SSH on the new boot.
 */
export async function rebootOverSsh(options: RebootOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const first = await waitForSsh(options.ssh, { timeoutMs: 60_000, signal: options.signal });
  let before: string;
  try {
    before = (await first.runChecked(BOOT_MARKER)).trim();
    const result = await first.run('shutdown -r now', { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
    if (result && result.code !== null && result.code !== 0) {
      throw new RemoteCommandError('sudo shutdown -r now', options.ssh.host, result.code, result.stderr.trim());
    }
  } finally {
    first.close();
  }
  options.progress('Waiting for the machine to come back up...');
  while (Date.now() < deadline) {
    options.signal.throwIfAborted();
    try {
      const session = await waitForSsh(options.ssh, {
        timeoutMs: Math.max(1_000, deadline - Date.now()),
        signal: options.signal,
      });
      try {
        const now = (await session.runChecked(BOOT_MARKER, { timeoutMs: 10_000 })).trim();
        if (now !== before) return;
      } finally {
        session.close();
      }
    } catch (error) {
      if (options.signal.aborted) throw error;
    }
    await sleep(1_000, options.signal, 'waiting for the machine to come back up');
  }
  throw new TimeoutError(
    `${options.ssh.host} did not come back over SSH within ${Math.round(options.timeoutMs / 1000)} s of the reboot`,
    {
      actions: [
        'Check the machine console; when it is up again, run `berth provision NAME` if Docker does not answer.',
      ],
    },
  );
}

export const knownHostsFor = (machineDir: string) => join(machineDir, 'known_hosts');
