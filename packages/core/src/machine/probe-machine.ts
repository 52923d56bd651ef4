import { isBerthError, STATE_DISPLAY_NAMES } from '@berth/driver-protocol';
import { getEngineVersion } from '../engine/engine-version.js';
import { readCreateFailure } from '../store/failed-create.js';
import type { MachineRecord } from '../store/load-machine.js';
import type { BerthContext } from './berth-context.js';
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
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\n/g, ' ');

/**
 * Asks the driver for URL and state and the engine for its version, all within `timeoutMs`; a
 * machine that does not answer in time is `Timeout` and its calls are cancelled.
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
        const { tls, agent } = await ctx.engines.for(record.config);
        const version = await getEngineVersion({ url, tls, agent, timeoutMs, signal });
        dockerVersion = `v${version.Version}`;
      } catch (versionError) {
        if (signal.aborted) throw versionError;
        error = `Unable to query docker version: ${describeEngineError(versionError)}`;
      }
    }
    return { ...base, state, url, dockerVersion, error, responseTimeMs: Date.now() - started, timedOut: false };
  })();
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    if (controller.signal.aborted) return timeout;
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

function describeEngineError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return 'Cannot connect to the docker engine endpoint';
  }
  return message(error);
}
