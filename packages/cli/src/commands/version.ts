import { BERTH_VERSION } from '@berth/core';
import { getEngineVersion } from '@berth/core/engine';
import { engineTlsFor, openMachine, urlOf } from '@berth/core/machine';
import { Args } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { jsonFormatFlag } from '../json-format-flag.js';
import { type BerthVersionJson, jsonLine, type MachineVersionJson } from '../render/index.js';

export interface VersionResult {
  version: string;
}

export default class Version extends BerthCommand {
  static override summary = 'Show the Berth version or a machine docker version';
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> web'];
  static override args = { name: Args.string({ description: 'machine name (prints its engine version)' }) };
  static override flags = { format: jsonFormatFlag() };

  async run(): Promise<VersionResult> {
    const { args, argv, flags } = await this.parse(Version);
    if (argv.length > 1) this.error('Error: Expected one machine name as an argument', { exit: 1 });
    const json = flags.format === 'json';
    if (!args.name) {
      if (json) process.stdout.write(jsonLine({ Version: BERTH_VERSION } satisfies BerthVersionJson));
      else this.log(`${this.config.bin} version ${BERTH_VERSION}`);
      return { version: BERTH_VERSION };
    }
    const ctx = await this.context();
    const machine = await openMachine(ctx, args.name);
    const url = await urlOf(ctx, machine);
    let version: string;
    try {
      version = (await getEngineVersion({ url, tls: await engineTlsFor(machine.record.config), timeoutMs: 20_000 }))
        .Version;
    } catch {
      this.error('Unable to query docker version: Cannot connect to the docker engine endpoint', { exit: 1 });
    }
    if (json) process.stdout.write(jsonLine({ Name: args.name, DockerVersion: version } satisfies MachineVersionJson));
    else this.log(version);
    return { version };
  }
}
