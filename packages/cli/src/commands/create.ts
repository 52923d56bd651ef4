import { resolveFlagValues } from '@berth/core/driver-host';
import { createMachine, driverCreateFlags, planSwarmMode } from '@berth/core/machine';
import type { FlagValues } from '@berth/driver-protocol';
import { quoteGo } from '@berth/go-format';
import { Args } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { builtinDriverNames } from '../builtin-drivers.js';
import { driverNameFromArgv, SHARED_CREATE_FLAGS } from '../create-flags.js';
import { retiredSwarmFlagsGiven, retiredSwarmWarning, swarmModeRequest } from '../create-swarm.js';
import { toOclifFlags } from '../driver-flags.js';
import { PROGRESS_FLAGS } from '../progress/index.js';

export interface CreateResult {
  name: string;
  driver: string;
}

const PHASE_PREFIX: Record<string, string> = {
  flags: 'Error setting machine configuration from flags provided: ',
  certs: 'Error generating certificates: ',
  'driver-create': 'Error creating machine: Error in driver during machine creation: ',
  provision: 'Error creating machine: ',
};

export default class Create extends BerthCommand {
  static override summary = 'Create a machine';
  static override description = [
    'Creates a machine with the driver given by --driver (-d); virtualbox unless MACHINE_DRIVER names another.',
    `Built-in drivers: ${builtinDriverNames().join(', ')}. Any other name runs the executable berth-driver-NAME.`,
    "Run `create -d DRIVER --help` to see that driver's flags.",
  ].join('\n');
  static override examples = [
    '<%= config.bin %> <%= command.id %> -d generic --generic-ip-address 10.0.0.5 --generic-ssh-key ~/.ssh/id_rsa web',
  ];
  static override strict = false;
  static override flags = { ...SHARED_CREATE_FLAGS, ...PROGRESS_FLAGS };
  static override args = { name: Args.string({ description: 'machine name' }) };

  async run(): Promise<CreateResult> {
    const progress = this.progressOutput();
    const driverName = driverNameFromArgv(this.argv, process.env);
    const ctx = await this.context();
    const specs = await driverCreateFlags(ctx, driverName);
    const { args, flags, argv } = await this.parse(
      { flags: { ...Create.flags, ...toOclifFlags(specs) }, args: Create.args, strict: false },
      this.argv,
    );
    const extra = argv.slice(1) as string[];
    if (extra.length > 0) this.error(`Invalid command line. Found extra arguments [${extra.join(' ')}]`, { exit: 1 });
    const name = args.name;
    if (!name) this.error('Error: No machine name specified', { exit: 1 });
    if (this.jsonProgress) this.jsonProgress.machine = name;
    const retiredSwarm = retiredSwarmFlagsGiven(flags);
    if (retiredSwarm.length > 0) this.logToStderr(retiredSwarmWarning(retiredSwarm));
    // A manager to join is checked (and its join token read) before anything is made.
    const swarmMode = swarmModeRequest(flags);
    const swarmPlan = swarmMode ? await planSwarmMode(ctx, swarmMode, this.abort.signal) : undefined;
    const given: Record<string, unknown> = {};
    const parsed = flags as Record<string, unknown>;
    for (const spec of specs) if (parsed[spec.name] !== undefined) given[spec.name] = parsed[spec.name];
    const driverFlags: FlagValues = resolveFlagValues(specs, { given, env: process.env });
    const mirrors = flags['engine-registry-mirror'] ?? envList('ENGINE_REGISTRY_MIRROR');
    const env = process.env;
    await createMachine(ctx, {
      name,
      driverName,
      driverFlags,
      engine: {
        InstallURL: flags['engine-install-url'],
        ArbitraryFlags: flags['engine-opt'] ?? [],
        InsecureRegistry: flags['engine-insecure-registry'] ?? [],
        RegistryMirror: mirrors,
        Labels: flags['engine-label'] ?? [],
        StorageDriver: flags['engine-storage-driver'] ?? '',
        Env: flags['engine-env'] ?? [],
      },
      // Standalone Swarm is never set up, so its settings stay docker-machine's defaults.
      swarm: {},
      ...(swarmPlan ? { swarmMode: swarmPlan } : {}),
      tlsSans: flags['tls-san'] ?? [],
      certPaths: {
        ...(env.MACHINE_TLS_CA_CERT ? { caCert: env.MACHINE_TLS_CA_CERT } : {}),
        ...(env.MACHINE_TLS_CA_KEY ? { caKey: env.MACHINE_TLS_CA_KEY } : {}),
        ...(env.MACHINE_TLS_CLIENT_CERT ? { clientCert: env.MACHINE_TLS_CLIENT_CERT } : {}),
        ...(env.MACHINE_TLS_CLIENT_KEY ? { clientKey: env.MACHINE_TLS_CLIENT_KEY } : {}),
      },
      progress: (line) => progress.step(line),
      // On a terminal the image download draws docker-machine's 0%....10%.... line in pieces.
      ...(process.stdout.isTTY && !progress.json
        ? { isTty: true, imageProgress: (text: string) => process.stdout.write(text) }
        : {}),
      ...(flags['image-mirror'] ? { imageMirror: flags['image-mirror'] } : {}),
      notice: (line) => this.logToStderr(line),
      signal: this.abort.signal,
    });
    progress.info(
      `To see how to connect your Docker Client to the Docker Engine running on this virtual machine, run: ${this.config.bin} env ${name}`,
    );
    return { name, driver: driverName };
  }

  protected override exitCodeFor(
    error: Error & { code: string; exitCode: number; data?: Record<string, unknown> },
  ): number {
    return error.data?.createPhase === 'pre-create' ? 3 : super.exitCodeFor(error);
  }

  /** docker-machine wrote a failed pre-create check with Go's %q: `Error with pre-create check: "..."`. */
  protected override errorMessage(error: Error & { code: string; data?: Record<string, unknown> }): string {
    return error.data?.createPhase === 'pre-create' ? quoteGo(error.message) : error.message;
  }

  protected override errorPrefix(error: Error & { code: string; data?: Record<string, unknown> }): string {
    if (error.code === 'InvalidMachineName') return 'Error creating machine: ';
    const phase = error.data?.createPhase;
    if (phase === 'pre-create') return 'Error with pre-create check: ';
    return typeof phase === 'string' ? (PHASE_PREFIX[phase] ?? '') : '';
  }
}

function envList(name: string): string[] {
  const value = process.env[name];
  return value ? value.split(',').filter(Boolean) : [];
}
