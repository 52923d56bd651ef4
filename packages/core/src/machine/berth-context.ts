import { DriverHost, type DriverHostOptions } from '../driver-host/driver-host.js';
import { resolveStore, type Store } from '../store/store-layout.js';

export interface BerthContextOptions {
  /** `--storage-path`; else MACHINE_STORAGE_PATH, else ~/.docker/machine. */
  storagePath?: string;
  env?: NodeJS.ProcessEnv;
  driverHost?: Omit<DriverHostOptions, 'storePath' | 'env'>;
}

/** What one berth command works with: the store, and the driver processes it started. */
export class BerthContext {
  private constructor(
    readonly store: Store,
    readonly drivers: DriverHost,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static open(options: BerthContextOptions = {}): BerthContext {
    const env = options.env ?? process.env;
    const store = resolveStore({ storagePath: options.storagePath, env });
    const drivers = new DriverHost({ ...options.driverHost, storePath: store.root, env });
    return new BerthContext(store, drivers, env);
  }

  /** Ends every driver process this command started. */
  async dispose(): Promise<void> {
    await this.drivers.dispose();
  }
}
