import { changeMachineState } from '@berth/core/machine';
import { MachineActionCommand } from '../machine-action-command.js';
import { PROGRESS_FLAGS } from '../progress/index.js';

export default class Stop extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Stop a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];
  static override flags = PROGRESS_FLAGS;

  async run(): Promise<void> {
    const progress = this.progressOutput();
    const { argv } = await this.parse(Stop);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      await changeMachineState(ctx, name, 'stop', {
        progress: (line) => progress.step(line, name),
        signal: this.abort.signal,
      });
    });
  }
}
