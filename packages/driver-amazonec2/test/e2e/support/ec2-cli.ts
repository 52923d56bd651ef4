import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BerthExitError,
  type BerthRun,
  type Ec2Simulator,
  type RunningBerth,
  runBerth,
  runCommand,
  startBerth,
} from '@berth/test-kit';

/**
 * The environment of every berth run here. Credentials come from the simulator; the SDK may not
 * look anywhere else (no IMDS, no profile files), and a client that somehow lost the endpoint
 * would go to a dead loopback port (AWS_ENDPOINT_URL), never to AWS.
 */
export function ec2Env(sim: Ec2Simulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: sim.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PROFILE: '',
    AWS_REGION: '',
    AWS_DEFAULT_REGION: '',
    AWS_SESSION_TOKEN: '',
    ...extra,
  };
}

/** Refuses to run an amazonec2 create that is not pointed at a loopback simulator. */
export function guardEndpoint(args: readonly string[]): void {
  if (!args.includes('create') || !args.includes('amazonec2')) return;
  const index = args.indexOf('--amazonec2-endpoint');
  const endpoint = index >= 0 ? args[index + 1] : undefined;
  if (!endpoint || !/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
    throw new Error(`refusing to run an amazonec2 create without a loopback --amazonec2-endpoint: ${args.join(' ')}`);
  }
}

export function createArgs(sim: Ec2Simulator, name: string, extra: string[] = []): string[] {
  return ['create', '-d', 'amazonec2', '--amazonec2-endpoint', sim.endpoint, ...extra, name];
}

/** Everything berth printed in this file's tests, to check that no secret ever appears. */
export const captured: string[] = [];

export interface Ec2RunOptions {
  store: string;
  sim: Ec2Simulator;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export async function ec2Berth(args: string[], options: Ec2RunOptions): Promise<BerthRun> {
  guardEndpoint(args);
  const run = await runBerth(args, {
    store: options.store,
    env: ec2Env(options.sim, options.env),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  captured.push(run.stdout, run.stderr);
  return run;
}

export async function ec2BerthOk(args: string[], options: Ec2RunOptions): Promise<BerthRun> {
  const run = await ec2Berth(args, options);
  if (run.code !== 0) throw new BerthExitError(args, run);
  return run;
}

/** A berth process to interrupt (see {@link RunningBerth}); its output joins {@link captured} when it exits. */
export function startEc2Berth(args: string[], options: Ec2RunOptions): RunningBerth {
  guardEndpoint(args);
  const live = startBerth(args, { store: options.store, env: ec2Env(options.sim, options.env) });
  void live.exited.then(
    (exit) => captured.push(exit.stdout, exit.stderr),
    () => {},
  );
  return live;
}

/** Machine names in the store (none when the directory does not exist). */
export async function storedMachines(store: string): Promise<string[]> {
  try {
    return (await readdir(join(store, 'machines'))).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}

/** Driver processes still running (a finished berth must leave none). */
export async function driverProcesses(): Promise<string> {
  return (await runCommand('pgrep', ['-af', 'berth-driver-amazonec2'])).stdout.trim();
}

/**
 * Writes a machine into the store without creating anything (as bench/run.mjs does for large
 * stores): a `none` machine made by the real CLI gives the config layout, the driver part is ours.
 */
export async function writeMachine(
  store: string,
  name: string,
  driverName: string,
  driver: Record<string, unknown>,
  template: string,
): Promise<void> {
  const config = JSON.parse(template) as Record<string, unknown> & {
    HostOptions: { AuthOptions: Record<string, unknown> };
  };
  const text = JSON.stringify({ ...config, Name: name, DriverName: driverName, Driver: driver }, null, 4).replaceAll(
    '/machines/template-none',
    `/machines/${name}`,
  );
  await mkdir(join(store, 'machines', name), { recursive: true, mode: 0o700 });
  await writeFile(join(store, 'machines', name, 'config.json'), text, { mode: 0o600 });
}

/** The config.json of a throwaway `none` machine named `template-none` (created, read, removed). */
export async function configTemplate(store: string): Promise<string> {
  const made = await runBerth(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:1', 'template-none'], { store });
  if (made.code !== 0) throw new Error(`template machine: ${made.stderr}`);
  const text = await readFile(join(store, 'machines', 'template-none', 'config.json'), 'utf8');
  await runBerth(['rm', '-y', 'template-none'], { store });
  return text;
}
