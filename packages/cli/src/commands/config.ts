import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { connectionErrorPrefix } from '../error-output.js';
import { machineNamesOrDefault } from '../machine-names.js';
import { machineConfigText, openCheckedMachine } from '../machine-output.js';

export default class Config extends BerthCommand {
  static override summary = 'Print the connection config for machine';
  static override examples = ['docker $(<%= config.bin %> <%= command.id %> web) version'];
  static override args = { name: Args.string({ description: 'machine name' }) };
  static override flags = {
    swarm: Flags.boolean({ summary: 'Display the Swarm config instead of the Docker daemon' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Config);
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, args.name ? [args.name] : []);
    process.stdout.write(machineConfigText(await openCheckedMachine(ctx, name as string)));
  }

  protected override errorPrefix(error: Error & { code: string }): string {
    return connectionErrorPrefix('config', error);
  }
}
