import { machineIp } from '@berth/core/machine';
import { ipErrorPrefix } from '../error-output.js';
import { MachineActionCommand } from '../machine-action-command.js';

export default class Ip extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Get the IP address of a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];

  async run(): Promise<void> {
    const { argv } = await this.parse(Ip);
    const ctx = await this.context();
    await this.forEachNamed(argv as string[], async (name) => {
      this.log(await machineIp(ctx, name));
    });
  }

  protected override actionErrorPrefix(_name: string, error: { code: string }): string {
    return ipErrorPrefix(error);
  }
}
