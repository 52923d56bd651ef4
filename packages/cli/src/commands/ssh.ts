import { openMachine, sshTarget, stateOf } from '@berth/core/machine';
import { SshSession } from '@berth/core/ssh';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';

export default class Ssh extends BerthCommand {
  static override summary = 'Log into or run a command on a machine with SSH.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> web',
    '<%= config.bin %> <%= command.id %> web -- uname -a',
  ];
  // Everything after the machine name is the remote command, flags included.
  static override strict = false;

  async run(): Promise<void> {
    const raw = [...this.argv];
    if (raw[0] === '-h' || raw[0] === '--help' || raw[0] === '-help') {
      this.log('Usage: berth ssh [NAME] [COMMAND...]\n\nLog into or run a command on a machine with SSH.');
      return;
    }
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, raw.slice(0, 1));
    const command = raw.slice(1);
    if (command[0] === '--') command.shift();
    const machine = await openMachine(ctx, name as string);
    if ((await stateOf(ctx, machine)) !== 'Running')
      this.error(`Error: Cannot run SSH command: Host "${name}" is not running`, { exit: 1 });
    const session = await SshSession.connect(await sshTarget(ctx.store, machine.record, machine.driver));
    let code: number;
    try {
      code = await session.interactive(command.length > 0 ? command.join(' ') : undefined);
    } finally {
      session.close();
    }
    if (code !== 0) this.exit(code);
  }
}
