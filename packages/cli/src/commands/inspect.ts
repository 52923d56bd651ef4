import { loadMachine } from '@berth/core/store';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';
import * as render from '../render/index.js';

export default class Inspect extends BerthCommand {
  static override summary = 'Inspect information about a machine';
  static override examples = ["<%= config.bin %> <%= command.id %> --format '{{.Driver.IPAddress}}' web"];
  static override args = { name: Args.string({ description: 'machine name' }) };
  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Format the output using the given go template.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Inspect);
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, args.name ? [args.name] : []);
    const record = await loadMachine(ctx.store, name as string);
    const config = await this.withSecretsRedacted(record.config);
    if (!flags.format) {
      process.stdout.write(render.renderInspect(config));
      return;
    }
    const result = render.renderInspectFormat(flags.format, config);
    process.stdout.write(result.stdout);
    if (result.error) this.error(result.error.message, { exit: 1 });
  }

  /** Driver-config keys the driver declares secret (API tokens) are never printed. */
  private async withSecretsRedacted<T extends { DriverName: string; Driver: Record<string, unknown> }>(
    config: T,
  ): Promise<T> {
    let keys: string[] = [];
    try {
      const driver = await (await this.context()).drivers.get(config.DriverName);
      keys = driver.description.capabilities.secretConfigKeys ?? [];
    } catch {
      // An unknown driver still inspects; it declared nothing secret.
    }
    const driverConfig = { ...config.Driver };
    for (const key of keys)
      if (typeof driverConfig[key] === 'string' && driverConfig[key]) driverConfig[key] = '<redacted>';
    return keys.length === 0 ? config : { ...config, Driver: driverConfig };
  }
}
