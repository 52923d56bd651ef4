import { changeMachineState } from '@berth/core/machine';
import { MachineActionCommand } from '../machine-action-command.js';

export default class Stop extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Stop a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];

  async run(): Promise<void> {
    const { argv } = await this.parse(Stop);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      await changeMachineState(ctx, name, 'stop', { progress: (line) => this.log(line), signal: this.abort.signal });
    });
  }
}
