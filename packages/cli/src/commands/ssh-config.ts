import { openMachine, sshTarget } from '@berth/core/machine';
import { sshConfigBlock } from '@berth/core/ssh';
import { MachineActionCommand } from '../machine-action-command.js';

export default class SshConfig extends MachineActionCommand {
  static override strict = false;
  static override summary = 'Print an OpenSSH config block for a machine';
  static override usage = 'ssh-config [NAME...]';
  static override description =
    'For OpenSSH and the tools that use it (scp, rsync, sshfs, editors): `Host NAME` with its address, port, user, ' +
    "key, and the machine's pinned host key. Append it to ~/.ssh/config, or save it and use it with ssh -F FILE " +
    '(not `ssh -F <(...)`: ssh closes every inherited descriptor but 0-2 when it starts, so it cannot read /dev/fd/N).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> web >> ~/.ssh/config',
    '<%= config.bin %> <%= command.id %> web > web.conf && ssh -F web.conf web uname -a',
    'ssh -F /dev/stdin web uname -a < <(<%= config.bin %> <%= command.id %> web)',
  ];

  async run(): Promise<void> {
    const { argv } = await this.parse(SshConfig);
    const ctx = await this.context();
    // Blocks are made side by side and printed in the order the names were given.
    let previous: Promise<unknown> = Promise.resolve();
    await this.forEachNamed(argv as string[], (name) => {
      const block = (async () => {
        const machine = await openMachine(ctx, name);
        return sshConfigBlock(name, await sshTarget(ctx.store, machine.record, machine.driver));
      })();
      const printed = previous.then(async () => this.log((await block).trimEnd()));
      previous = printed.catch(() => undefined);
      return printed;
    });
  }
}
