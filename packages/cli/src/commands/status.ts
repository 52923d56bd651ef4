import { Args } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';

export default class Status extends BerthCommand {
  static override summary = 'Get the status of a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];
  static override args = { name: Args.string({ description: 'machine name' }) };

  async run(): Promise<{ state: string }> {
    const { args } = await this.parse(Status);
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, args.name ? [args.name] : []);
    const { machineParams, openMachine } = await import('@berth/core/machine');
    const { STATE_DISPLAY_NAMES } = await import('@berth/driver-protocol');
    const { record, driver } = await openMachine(ctx, name as string);
    const { state } = await driver.getState(machineParams(ctx.store, record));
    this.log(STATE_DISPLAY_NAMES[state]);
    return { state };
  }
}
