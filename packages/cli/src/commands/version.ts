import { BERTH_VERSION } from '@berth/core';
import { Command } from '@oclif/core';

export interface VersionResult {
  version: string;
}

export default class Version extends Command {
  static override summary = 'Show the Berth version or a machine docker version';
  static override examples = ['<%= config.bin %> <%= command.id %>'];

  async run(): Promise<VersionResult> {
    await this.parse(Version);
    this.log(`${this.config.bin} version ${BERTH_VERSION}`);
    return { version: BERTH_VERSION };
  }
}
