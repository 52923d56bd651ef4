import { changeMachineState } from '@berth/core/machine';
import { MachineActionCommand } from '../machine-action-command.js';

export default class Kill extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Kill a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];

  async run(): Promise<void> {
    const { argv } = await this.parse(Kill);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      await changeMachineState(ctx, name, 'kill', { progress: (line) => this.log(line), signal: this.abort.signal });
    });
  }
}
