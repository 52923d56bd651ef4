import { readdir, readFile } from 'node:fs/promises';
import {
  type BerthOptions,
  type BerthRun,
  bashWithBerth,
  type RunningBerth,
  runBerth,
  runBerthOk,
  startBerth,
} from '@berth/test-kit';

/**
 * Environment for every berth run of these tests: no traffic can leave for DigitalOcean. An
 * `https://` request (api.digitalocean.com) goes to a dead proxy on loopback; a create without
 * `--digitalocean-api-url` would fall back to a dead loopback URL, and none is even started (see
 * {@link doBerth}); a token from the developer's shell is never used.
 */
export const OFFLINE_ENV: Record<string, string> = {
  HTTPS_PROXY: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
  DIGITALOCEAN_API_URL: 'http://127.0.0.1:9',
  DIGITALOCEAN_ACCESS_TOKEN: '',
};

/** Refuses a create that does not point the driver at a simulator on loopback. */
export function assertOffline(args: string[]): void {
  if (!args.includes('create')) return;
  const index = args.indexOf('--digitalocean-api-url');
  const url = index >= 0 ? args[index + 1] : undefined;
  if (!url || !/^http:\/\/127\.0\.0\.1:\d+\/?$/.test(url)) {
    throw new Error(
      `test bug: berth ${args.join(' ')} has no --digitalocean-api-url on loopback; DigitalOcean tests must use the simulator`,
    );
  }
}

/** `berth` with {@link OFFLINE_ENV} and the {@link assertOffline} guard. */
export function doBerth(args: string[], options: BerthOptions): Promise<BerthRun> {
  assertOffline(args);
  return runBerth(args, { ...options, env: { ...OFFLINE_ENV, ...options.env } });
}

/** Like doBerth, but fails with the output when the exit code is not 0. */
export function doBerthOk(args: string[], options: BerthOptions): Promise<BerthRun> {
  assertOffline(args);
  return runBerthOk(args, { ...options, env: { ...OFFLINE_ENV, ...options.env } });
}

/**
 * Runs a bash script with the store and `berth` on PATH, as a user would type it. No proxy
 * variables: the docker CLI would send its TLS connection to the test host through them.
 */
export function doBash(script: string, store: string, binDir: string) {
  return bashWithBerth(script, {
    store,
    binDir,
    unset: ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'],
    env: {
      DIGITALOCEAN_API_URL: OFFLINE_ENV.DIGITALOCEAN_API_URL as string,
      DIGITALOCEAN_ACCESS_TOKEN: '',
    },
  });
}

/** Starts berth in the background (to interrupt it), with {@link OFFLINE_ENV} and the guard. */
export function startDoBerth(args: string[], options: BerthOptions): RunningBerth {
  assertOffline(args);
  return startBerth(args, { ...options, env: { ...OFFLINE_ENV, ...options.env } });
}

/**
 * Driver processes still running for one store: their environment (inherited from berth) names
 * it. Other test runs on the machine, with their own stores, do not count.
 */
export async function driverProcessesFor(store: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const [cmdline, environ] = await Promise.all([
      readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''),
      readFile(`/proc/${entry}/environ`, 'utf8').catch(() => ''),
    ]);
    if (
      cmdline.includes('berth-driver-digitalocean') &&
      environ.split('\0').includes(`MACHINE_STORAGE_PATH=${store}`)
    ) {
      found.push(Number(entry));
    }
  }
  return found;
}
