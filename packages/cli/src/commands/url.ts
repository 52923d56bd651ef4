import { machineUrl } from '@berth/core/machine';
import { Args } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';

export default class Url extends BerthCommand {
  static override summary = 'Get the URL of a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];
  static override args = { name: Args.string({ description: 'machine name' }) };

  async run(): Promise<{ url: string }> {
    const { args } = await this.parse(Url);
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, args.name ? [args.name] : []);
    const url = await machineUrl(ctx, name as string);
    this.log(url);
    return { url };
  }
}
