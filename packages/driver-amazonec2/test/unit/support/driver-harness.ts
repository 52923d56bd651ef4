import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallContext, DriverConfig, MachineParams, ProgressParams } from '@berth/driver-protocol';
import { createCallContext, resolveFlagValues } from '@berth/driver-sdk';
import { Ec2Simulator, type Ec2SimulatorOptions } from '@berth/test-kit';
import { AmazonEc2Driver } from '../../../src/driver.js';
import { AMAZONEC2_FLAGS } from '../../../src/flags.js';

// The SDK must never look for credentials or endpoints beyond what a test gives it.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';

/** The driver in-process against a virtual EC2 simulator, with a temporary store. */
export class DriverHarness {
  readonly driver = new AmazonEc2Driver();
  readonly progress: ProgressParams[] = [];

  private constructor(
    readonly sim: Ec2Simulator,
    readonly store: string,
  ) {}

  static async start(options: Ec2SimulatorOptions = {}): Promise<DriverHarness> {
    const sim = await Ec2Simulator.start(options);
    const store = await mkdtemp(join(tmpdir(), 'berth-ec2-unit-'));
    return new DriverHarness(sim, store);
  }

  async close(): Promise<void> {
    await this.sim.close();
    await rm(this.store, { recursive: true, force: true });
  }

  context(signal?: AbortSignal): CallContext {
    return createCallContext({
      machine: 'm',
      ...(signal ? { signal } : {}),
      onProgress: (p) => this.progress.push(p),
    });
  }

  /** Resolved flag values as the host sends them: the simulator's endpoint and credentials plus `given`. */
  flags(given: Record<string, unknown> = {}) {
    return resolveFlagValues(AMAZONEC2_FLAGS, {
      given: {
        'amazonec2-endpoint': this.sim.endpoint,
        'amazonec2-access-key': this.sim.credentials.accessKeyId,
        'amazonec2-secret-key': this.sim.credentials.secretAccessKey,
        'amazonec2-retries': 0,
        ...given,
      },
      env: {},
    });
  }

  async params(name: string, driverConfig: DriverConfig = {}): Promise<MachineParams> {
    const machineDir = join(this.store, 'machines', name);
    await mkdir(machineDir, { recursive: true, mode: 0o700 });
    return {
      machine: {
        name,
        storePath: this.store,
        machineDir,
        driverConfig: { MachineName: name, StorePath: this.store, ...driverConfig },
      },
    };
  }

  /** setConfigFromFlags, returning params that carry the new config. */
  async configure(name: string, given: Record<string, unknown> = {}): Promise<MachineParams> {
    const params = await this.params(name);
    const { driverConfig } = await this.driver.setConfigFromFlags(
      { ...params, flags: this.flags(given) },
      this.context(),
    );
    return { machine: { ...params.machine, driverConfig } };
  }
}
