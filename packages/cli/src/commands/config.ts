import { checkConnection, machineParams, openMachine } from '@berth/core/machine';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';
import { machineTlsPaths, renderConfigFlags } from '../render/index.js';

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
    const { record, driver } = await openMachine(ctx, name as string);
    const { url } = await driver.getUrl(machineParams(ctx.store, record));
    await checkConnection(record, url);
    process.stdout.write(renderConfigFlags({ ...machineTlsPaths(record.dir), dockerHost: url }));
  }

  protected override errorPrefix(error: Error & { code: string }): string {
    return error.code === 'CertificateError' ? 'Error running connection boilerplate: ' : '';
  }
}
