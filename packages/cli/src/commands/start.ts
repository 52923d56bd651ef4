import { changeMachineState } from '@berth/core/machine';
import { MachineActionCommand } from '../machine-action-command.js';
import { PROGRESS_FLAGS } from '../progress/index.js';

export default class Start extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Start a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];
  static override flags = PROGRESS_FLAGS;

  async run(): Promise<void> {
    const progress = this.progressOutput();
    const { argv } = await this.parse(Start);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      await changeMachineState(ctx, name, 'start', {
        progress: (line) => progress.step(line, name),
        signal: this.abort.signal,
      });
    });
    progress.info(
      `Started machines may have new IP addresses. You may need to re-run the \`${this.config.bin} env\` command.`,
    );
  }
}
