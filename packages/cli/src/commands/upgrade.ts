import { upgradeMachine } from '@berth/core/machine';
import { MachineActionCommand } from '../machine-action-command.js';

export default class Upgrade extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Upgrade a machine to the latest version of Docker';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];

  async run(): Promise<void> {
    const { argv } = await this.parse(Upgrade);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      const result = await upgradeMachine(ctx, name, { progress: (line) => this.log(line), signal: this.abort.signal });
      this.log(`Docker on "${name}": ${result.packageName} ${result.before} -> ${result.after}`);
    });
  }
}
