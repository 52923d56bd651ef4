import { openMachine, sshTarget } from '@berth/core/machine';
import { type CopyEndpoint, rsyncCopy, rsyncTools, SshSession, sftpCopy } from '@berth/core/ssh';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { openRunningMachine } from '../running-machine.js';

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
    '<%= config.bin %> <%= command.id %> -r -d ./site web:/srv/site',
  ];
  static override description =
    'Plain and -r copies use the built-in SFTP client (nothing to install). --delta runs rsync over ssh, so rsync and ssh must be installed here and rsync on the machine.';
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
    // rsync first, as docker-machine: its absence is the first thing to fix.
    const tools = flags.delta ? await rsyncTools() : undefined;
    const from = parseSide(args.from);
    const to = parseSide(args.to);
    const remote = from.machine ?? to.machine;
    if (!remote || (from.machine && to.machine)) {
      this.error('scp copies between this machine and one machine: give exactly one side as MACHINE:PATH', { exit: 1 });
    }
    const ctx = await this.context();
    // rsync would report a stopped machine only as an ssh failure; SFTP names the failed connection.
    const machine = tools ? await openRunningMachine(ctx, remote, this.config.bin) : await openMachine(ctx, remote);
    const machineTarget = await sshTarget(ctx.store, machine.record, machine.driver);
    const user = from.user ?? to.user;
    const target = user ? { ...machineTarget, user } : machineTarget;
    const endpoint = (side: Side): CopyEndpoint => ({ kind: side.machine ? 'remote' : 'local', path: side.path });
    if (tools) {
      await rsyncCopy(tools, {
        machine: remote,
        target,
        source: endpoint(from),
        destination: endpoint(to),
        recursive: flags.recursive,
        quiet: flags.quiet,
        signal: this.abort.signal,
      });
      return;
    }
    const session = await SshSession.connect(target);
    try {
      const sftp = await session.sftp();
      await sftpCopy(sftp, endpoint(from), endpoint(to), flags.recursive);
    } finally {
      session.close();
    }
  }
}
