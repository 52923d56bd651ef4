import { reprovisionMachine } from '@berth/core/machine';
import { MachineActionCommand } from '../machine-action-command.js';
import { PROGRESS_FLAGS } from '../progress/index.js';

export default class Provision extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Re-provision existing machines';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];
  static override flags = PROGRESS_FLAGS;

  async run(): Promise<void> {
    const progress = this.progressOutput();
    const { argv } = await this.parse(Provision);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      await reprovisionMachine(ctx, name, {
        progress: (line) => progress.step(line, name),
        signal: this.abort.signal,
      });
    });
  }
}
