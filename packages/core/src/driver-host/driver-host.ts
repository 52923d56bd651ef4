import {
  CancelledError,
  DRIVER_COOKIE_ENV,
  DRIVER_COOKIE_VALUE,
  type ErrorClassTable,
  type LogParams,
  PROTOCOL_ERROR_CLASSES,
  type ProgressParams,
} from '@berth/driver-protocol';
import { BERTH_VERSION } from '../version.js';
import type { BuiltinDrivers } from './builtin-driver.js';
import { type DriverExecutable, findDriverExecutable } from './discovery.js';
import type { DriverEndpoint } from './driver-endpoint.js';
import { DriverProcess } from './driver-process.js';
import { DriverSession } from './driver-session.js';
import { handshake } from './handshake.js';
import { InProcessDriver } from './in-process-driver.js';
import { type DriverSecrets, RemoteDriver } from './remote-driver.js';
import { SecretRedactor } from './secret-redactor.js';

/** Time limits of a DriverHost, in milliseconds. */
export interface DriverHostTimeouts {
  /** `driver/initialize` must answer within this. Default 10 s (Docker Machine waited 10 s for a plugin). */
  initializeMs: number;
  /** Calls that change things (create, start, stop, remove, ...). Default 30 min. */
  callMs: number;
  /** Read-only calls (getState, getUrl, getIp, getSsh*). Default 60 s. */
  queryMs: number;
  /** A misbehaving driver gets this long between SIGTERM and SIGKILL. Default 2 s. */
  killGraceMs: number;
  /** On dispose, a driver gets this long to answer `driver/shutdown` and again to exit after EOF. Default 3 s. */
  shutdownGraceMs: number;
}

export const DEFAULT_DRIVER_HOST_TIMEOUTS: Readonly<DriverHostTimeouts> = {
  initializeMs: 10_000,
  callMs: 30 * 60_000,
  queryMs: 60_000,
  killGraceMs: 2_000,
  shutdownGraceMs: 3_000,
};

/** A `$/log` line, with the driver it came from (secret flag values already redacted). */
export interface DriverLogEvent extends LogParams {
  driver: string;
}

/** A progress line (`driver/progress`, or `$/progress` from a 1.0/1.1 driver), with the driver it came from. */
export interface DriverProgressEvent extends ProgressParams {
  driver: string;
}

/** One line the driver wrote to stderr. */
export interface DriverStderrEvent {
  driver: string;
  line: string;
}

/** A driver process was started. */
export interface DriverSpawnEvent {
  driver: string;
  pid: number;
  executable: DriverExecutable;
}

export interface DriverHostOptions {
  /** Store path: `<store>/plugins` is searched for drivers. */
  storePath?: string;
  /** Environment for discovery and for the driver processes. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Sent in `driver/initialize`. Defaults: `berth` and Berth's version. */
  hostName?: string;
  hostVersion?: string;
  timeouts?: Partial<DriverHostTimeouts>;
  /**
   * Classes to rebuild driver errors as, by code. Default: the protocol's classes. Pass
   * `{...PROTOCOL_ERROR_CLASSES, ...yours}` to add more.
   */
  errorClasses?: ErrorClassTable;
  /** Default: info, warn and error lines go to stderr as `(<machine or driver>) <message>`. */
  onLog?: (event: DriverLogEvent) => void;
  /** Default: stderr, as `(<machine>) <message>`. */
  onProgress?: (event: DriverProgressEvent) => void;
  /** Default: stderr, as `(<driver>) <line>`. Pass a collector to show them only with --debug. */
  onStderr?: (event: DriverStderrEvent) => void;
  onSpawn?: (event: DriverSpawnEvent) => void;
  /**
   * The host's own drivers, served inside this process rather than started as executables (each
   * makes its Driver, e.g. by a dynamic import of its package). The session still speaks JSON-RPC
   * frames to it, so it behaves as its executable would; it just skips a Node start-up.
   */
  builtins?: BuiltinDrivers;
  /** Keeps driver secrets out of the store (references to a credential helper); see RemoteDriver. */
  secrets?: DriverSecrets;
}

function writeStderr(prefix: string, text: string): void {
  process.stderr.write(`(${prefix}) ${text}\n`);
}

const defaultOnLog = (event: DriverLogEvent): void => {
  if (event.level !== 'debug') writeStderr(event.machine ?? event.driver, event.message);
};
const defaultOnProgress = (event: DriverProgressEvent): void =>
  writeStderr(event.machine || event.driver, event.message);
const defaultOnStderr = (event: DriverStderrEvent): void => writeStderr(event.driver, event.line);

/** Filled in once the process runs, so dispose() can end it even mid-handshake. */
interface SessionSlot {
  session?: DriverSession;
}

interface PoolEntry {
  driver: Promise<RemoteDriver>;
  slot: SessionSlot;
}

/**
 * Starts and owns the driver processes of one berth command. Each driver runs at most once: the
 * first `get(name)` discovers, spawns and handshakes; concurrent and later callers share that
 * process (and its in-flight start). A driver that crashed or timed out is dropped, so the next
 * `get` starts a fresh one. `dispose()` ends them all: `driver/shutdown`, stdin EOF, SIGKILL after
 * a grace period.
 */
export class DriverHost {
  private readonly pool = new Map<string, PoolEntry>();
  private readonly timeouts: DriverHostTimeouts;
  private disposed = false;

  constructor(private readonly options: DriverHostOptions = {}) {
    this.timeouts = { ...DEFAULT_DRIVER_HOST_TIMEOUTS, ...options.timeouts };
  }

  /** Where driver `name` would be started from (no process is started). */
  locate(name: string): Promise<DriverExecutable> {
    return findDriverExecutable(name, {
      env: this.options.env ?? process.env,
      storePath: this.options.storePath,
      builtins: this.options.builtins,
    });
  }

  /** The running driver `name`, started on first use. Rejects with a BerthError if it cannot be started. */
  get(name: string): Promise<RemoteDriver> {
    if (this.disposed) {
      return Promise.reject(new CancelledError(`Driver "${name}" was requested after the driver host shut down.`));
    }
    const existing = this.pool.get(name);
    if (existing !== undefined) return existing.driver;
    const slot: SessionSlot = {};
    const driver = this.start(name, slot);
    this.pool.set(name, { driver, slot });
    driver.catch(() => this.evict(name, slot));
    return driver;
  }

  /** Ends every driver process; resolves once all are reaped. Later `get` calls reject. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const entries = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(
      entries.map(async (entry) => {
        await entry.driver.catch(() => undefined);
        await entry.slot.session?.close(this.timeouts.shutdownGraceMs);
      }),
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private evict(name: string, slot: SessionSlot): void {
    if (this.pool.get(name)?.slot === slot) this.pool.delete(name);
  }

  /** Serves driver `name` in this process if it is a built-in (and not isolated), else starts its executable. */
  private async open(name: string, redactor: SecretRedactor): Promise<DriverEndpoint> {
    const { options } = this;
    const builtins = options.builtins;
    const make =
      builtins !== undefined && !builtins.isolate && Object.hasOwn(builtins.drivers, name)
        ? builtins.drivers[name]
        : undefined;
    if (make !== undefined) return new InProcessDriver(await make());
    const executable = await this.locate(name);
    const child = await DriverProcess.start({
      executable,
      env: { ...(options.env ?? process.env), [DRIVER_COOKIE_ENV]: DRIVER_COOKIE_VALUE },
      onStderrLine: (line) => (options.onStderr ?? defaultOnStderr)({ driver: name, line: redactor.redact(line) }),
    });
    options.onSpawn?.({ driver: name, pid: child.pid, executable });
    return child;
  }

  private async start(name: string, slot: SessionSlot): Promise<RemoteDriver> {
    const { options, timeouts } = this;
    const redactor = new SecretRedactor();
    const child = await this.open(name, redactor);
    const session = new DriverSession({
      driverName: name,
      process: child,
      errorClasses: options.errorClasses ?? PROTOCOL_ERROR_CLASSES,
      redactor,
      killGraceMs: timeouts.killGraceMs,
      onLog: (params) => (options.onLog ?? defaultOnLog)({ ...params, driver: name }),
      onProgress: (params) => (options.onProgress ?? defaultOnProgress)({ ...params, driver: name }),
      onEnded: () => this.evict(name, slot),
    });
    slot.session = session;
    try {
      const description = await handshake(session, {
        driverName: name,
        hostName: options.hostName ?? 'berth',
        hostVersion: options.hostVersion ?? BERTH_VERSION,
        timeoutMs: timeouts.initializeMs,
      });
      return new RemoteDriver({
        session,
        description,
        redactor,
        ...(options.secrets ? { secrets: options.secrets } : {}),
        pid: child.pid,
        callTimeoutMs: timeouts.callMs,
        queryTimeoutMs: timeouts.queryMs,
      });
    } catch (error) {
      // The process is never left behind: stop it before reporting why it is unusable.
      await session.close(timeouts.killGraceMs, { shutdownFirst: false });
      throw error;
    }
  }
}
