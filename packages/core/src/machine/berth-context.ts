import { DriverHost, type DriverHostOptions } from '../driver-host/driver-host.js';
import { SecretVault } from '../store/secret-vault.js';
import { resolveStore, type Store } from '../store/store-layout.js';
import { EngineClients } from './engine-clients.js';

export interface BerthContextOptions {
  /** `--storage-path`; else MACHINE_STORAGE_PATH, else ~/.docker/machine. */
  storagePath?: string;
  env?: NodeJS.ProcessEnv;
  driverHost?: Omit<DriverHostOptions, 'storePath' | 'env' | 'secrets'>;
}

/** What one berth command works with: the store, the driver processes and engine connections it opened. */
export class BerthContext {
  /** TLS material and pooled connections for querying engines (`ls`), shared by the command's machines. */
  readonly engines = new EngineClients();
  private disposing?: Promise<void>;

  private constructor(
    readonly store: Store,
    readonly drivers: DriverHost,
    readonly env: NodeJS.ProcessEnv,
    /** Driver secrets kept by a Docker credential helper (the store holds references to them). */
    readonly secrets: SecretVault,
  ) {}

  static open(options: BerthContextOptions = {}): BerthContext {
    const env = options.env ?? process.env;
    const store = resolveStore({ storagePath: options.storagePath, env });
    const secrets = new SecretVault(env);
    const drivers = new DriverHost({ ...options.driverHost, storePath: store.root, env, secrets });
    return new BerthContext(store, drivers, env, secrets);
  }

  /** Ends the driver processes this command started and closes its engine connections; later calls wait for the first. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.engines.close();
      await this.drivers.dispose();
    })();
    return this.disposing;
  }
}
