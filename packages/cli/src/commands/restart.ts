import { changeMachineState } from '@berth/core/machine';
import { MachineActionCommand } from '../machine-action-command.js';

export default class Restart extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Restart a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];

  async run(): Promise<void> {
    const { argv } = await this.parse(Restart);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      await changeMachineState(ctx, name, 'restart', { progress: (line) => this.log(line), signal: this.abort.signal });
    });
    this.log(
      `Restarted machines may have new IP addresses. You may need to re-run the \`${this.config.bin} env\` command.`,
    );
  }
}
