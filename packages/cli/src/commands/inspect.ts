import { inspectMachine } from '@berth/core/machine';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';
import * as render from '../render/index.js';

export default class Inspect extends BerthCommand {
  static override summary = 'Inspect information about a machine';
  static override examples = ["<%= config.bin %> <%= command.id %> --format '{{.Driver.IPAddress}}' web"];
  static override args = { name: Args.string({ description: 'machine name' }) };
  static override flags = {
    format: Flags.string({
      char: 'f',
      summary: 'Format the output using the given go template, or `json` for the config on one line.',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Inspect);
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, args.name ? [args.name] : []);
    const config = await inspectMachine(ctx, name as string);
    if (!flags.format) {
      process.stdout.write(render.renderInspect(config));
      return;
    }
    if (flags.format === 'json') {
      process.stdout.write(render.renderInspectJsonLine(config));
      return;
    }
    const result = render.renderInspectFormat(flags.format, config);
    process.stdout.write(result.stdout);
    if (result.error) this.error(result.error.message, { exit: 1 });
  }
}
