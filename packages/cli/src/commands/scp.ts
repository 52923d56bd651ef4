import { openMachine, sshTarget } from '@berth/core/machine';
import { SshSession, sftpCopy } from '@berth/core/ssh';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';

interface Side {
  machine?: string;
  user?: string;
  path: string;
}

/** `[[user@]machine:]path`; no colon, or host `localhost`, means a local path. */
function parseSide(arg: string): Side {
  const colon = arg.indexOf(':');
  if (colon <= 0 || arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const host = arg.slice(0, colon);
  const path = arg.slice(colon + 1);
  const [user, machine] = host.includes('@') ? host.split('@', 2) : [undefined, host];
  if (machine === 'localhost') return { path };
  return { machine: machine as string, ...(user ? { user } : {}), path: path || '.' };
}

export default class Scp extends BerthCommand {
  static override summary = 'Copy files between machines';
  static override examples = [
    '<%= config.bin %> <%= command.id %> ./app.tar web:/tmp/',
    '<%= config.bin %> <%= command.id %> -r web:/etc/docker ./docker-conf',
  ];
  static override args = { from: Args.string({ required: true }), to: Args.string({ required: true }) };
  static override flags = {
    recursive: Flags.boolean({ char: 'r', summary: 'Copy files recursively (required to copy directories)' }),
    delta: Flags.boolean({
      char: 'd',
      summary: 'Reduce amount of data sent over network by sending only the differences (uses rsync)',
    }),
    quiet: Flags.boolean({
      char: 'q',
      summary: 'Disables the progress meter as well as warning and diagnostic messages from ssh',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Scp);
    if (flags.delta) this.error('--delta (rsync) is not supported yet; copy without -d', { exit: 1 });
    const from = parseSide(args.from);
    const to = parseSide(args.to);
    const remote = from.machine ?? to.machine;
    if (!remote || (from.machine && to.machine)) {
      this.error('scp copies between this machine and one machine: give exactly one side as MACHINE:PATH', { exit: 1 });
    }
    const ctx = await this.context();
    const { record, driver } = await openMachine(ctx, remote);
    const target = await sshTarget(ctx.store, record, driver);
    const user = from.user ?? to.user;
    const session = await SshSession.connect(user ? { ...target, user } : target);
    try {
      const sftp = await session.sftp();
      await sftpCopy(
        sftp,
        from.machine ? { kind: 'remote', path: from.path } : { kind: 'local', path: from.path },
        to.machine ? { kind: 'remote', path: to.path } : { kind: 'local', path: to.path },
        flags.recursive,
      );
    } finally {
      session.close();
    }
  }
}
