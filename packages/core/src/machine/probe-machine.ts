import { isBerthError, STATE_DISPLAY_NAMES } from '@berth/driver-protocol';
import { readCreateFailure } from '../store/failed-create.js';
import { type LastKnownState, readLastKnownState, recordLastKnownState } from '../store/last-known-state.js';
import type { MachineRecord } from '../store/load-machine.js';
import type { BerthContext } from './berth-context.js';
import { untilAborted } from './engine-clients.js';
import { machineParams } from './machine-params.js';

/** What `ls` shows about one machine. */
export interface MachineProbe {
  name: string;
  driverName: string;
  /** Display state: `Running`, `Stopped`, `Timeout`, ... (`''` for None). */
  state: string;
  url: string;
  /** `v20.10.24`, `Unknown`, or `''` when timed out. */
  dockerVersion: string;
  error: string;
  responseTimeMs: number;
  timedOut: boolean;
  /** For a machine that timed out: what it answered at the last probe that got an answer, if any. */
  lastKnown?: LastKnownState;
}

/** States worth remembering: the driver answered (not `Error`, not the empty None). */
const REMEMBERED_STATES: ReadonlySet<string> = new Set(
  Object.values(STATE_DISPLAY_NAMES).filter((state) => state !== '' && state !== 'Error' && state !== 'Timeout'),
);

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\n/g, ' ');

/**
 * Asks the driver for URL and state and the engine for its version, all within `timeoutMs`; a
 * machine that does not answer in time is `Timeout` and its calls are cancelled. A state the
 * driver answered is recorded in the machine directory (`berth-last-state.json`), and a timed-out
 * probe carries the last one recorded.
 */
export async function probeMachine(ctx: BerthContext, record: MachineRecord, timeoutMs: number): Promise<MachineProbe> {
  const started = Date.now();
  const controller = new AbortController();
  const base = { name: record.name, driverName: record.config.DriverName };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<MachineProbe>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      resolve({
        ...base,
        state: 'Timeout',
        url: '',
        dockerVersion: '',
        error: '',
        responseTimeMs: timeoutMs,
        timedOut: true,
      });
    }, timeoutMs);
  });
  const work = (async (): Promise<MachineProbe> => {
    const signal = controller.signal;
    const failed = await readCreateFailure(record.dir);
    if (failed) {
      // Its create failed and the rollback could not remove it: say so rather than ask the driver.
      const error = `Create failed (${failed.code}): ${failed.error}; run \`berth rm ${record.name}\``;
      return { ...base, state: 'Error', url: '', dockerVersion: 'Unknown', error, responseTimeMs: 0, timedOut: false };
    }
    const driver = await ctx.drivers.get(record.config.DriverName);
    const params = machineParams(ctx.store, record);
    let url = '';
    let error = '';
    let state = '';
    try {
      url = (await driver.getUrl(params, { signal })).url;
    } catch (urlError) {
      if (signal.aborted) throw urlError;
      // A stopped machine has no URL; docker-machine shows no error for it.
      error = isBerthError(urlError) && urlError.code === 'MachineNotRunning' ? '' : message(urlError);
    }
    if (url) {
      state = 'Running';
    } else {
      try {
        state = STATE_DISPLAY_NAMES[(await driver.getState(params, { signal })).state];
      } catch (stateError) {
        if (signal.aborted) throw stateError;
        state = 'Error';
        error ||= message(stateError);
      }
    }
    let dockerVersion = 'Unknown';
    if (url) {
      try {
        const version = await untilAborted(ctx.engines.version(record.config, url, timeoutMs), signal);
        dockerVersion = `v${version.Version}`;
      } catch (versionError) {
        if (signal.aborted) throw versionError;
        error = `Unable to query docker version: ${describeEngineError(versionError)}`;
      }
    }
    if (REMEMBERED_STATES.has(state) && !signal.aborted) await remember(record.dir, state);
    return { ...base, state, url, dockerVersion, error, responseTimeMs: Date.now() - started, timedOut: false };
  })();
  try {
    const probe = await Promise.race([work, timeout]);
    return probe.timedOut ? await withLastKnown(probe, record.dir) : probe;
  } catch (error) {
    if (controller.signal.aborted) return withLastKnown(await timeout, record.dir);
    return {
      ...base,
      state: 'Error',
      url: '',
      dockerVersion: 'Unknown',
      error: message(error),
      responseTimeMs: Date.now() - started,
      timedOut: false,
    };
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

/**
 * An unchanged state is rewritten at most this often, so its age is exact to this. Reading the
 * record costs a quarter of replacing it (temp file + rename: 200 machines, ~19 ms against ~65 ms
 * here), and `ls` asks the same machines again and again.
 */
export const UNCHANGED_STATE_REFRESH_MS = 60_000;

/** A store that cannot be written (read-only, full, removed meanwhile) still lists: the record is only a hint. */
async function remember(dir: string, state: string): Promise<void> {
  const now = Date.now();
  const kept = await readLastKnownState(dir);
  const keptAt = kept === undefined ? Number.NaN : Date.parse(kept.at);
  if (kept?.state === state && keptAt <= now && now - keptAt < UNCHANGED_STATE_REFRESH_MS) return;
  await recordLastKnownState(dir, { state, at: new Date(now).toISOString() }).catch(() => undefined);
}

async function withLastKnown(probe: MachineProbe, dir: string): Promise<MachineProbe> {
  const lastKnown = await readLastKnownState(dir);
  return lastKnown === undefined ? probe : { ...probe, lastKnown };
}

function describeEngineError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return 'Cannot connect to the docker engine endpoint';
  }
  return message(error);
}
