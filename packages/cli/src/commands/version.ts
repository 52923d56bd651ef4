import { BERTH_VERSION } from '@berth/core';
import { machineDockerVersion } from '@berth/core/machine';
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
    const version = await machineDockerVersion(await this.context(), args.name);
    if (json) process.stdout.write(jsonLine({ Name: args.name, DockerVersion: version } satisfies MachineVersionJson));
    else this.log(version);
    return { version };
  }
}
