import { sshTarget } from '@berth/core/machine';
import { fusermountTool, mountOverSshfs, sshfsTool, unmountSshfs } from '@berth/core/ssh';
import { loadMachine } from '@berth/core/store';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { UsageError } from '../error-output.js';
import { openRunningMachine } from '../running-machine.js';

export interface MountSource {
  machine: string;
  user?: string;
  path: string;
}

/** `[[user@]machine:][path]`: without `machine:` the machine is `default`, as docker-machine did. */
export function parseMountSource(arg: string): MountSource {
  const colon = arg.indexOf(':');
  if (colon < 0) return { machine: 'default', path: arg };
  const host = arg.slice(0, colon);
  const path = arg.slice(colon + 1);
  const at = host.indexOf('@');
  if (at < 0) return { machine: host, path };
  return { machine: host.slice(at + 1), user: host.slice(0, at), path };
}

export default class Mount extends BerthCommand {
  static override summary = 'Mount or unmount a directory from a machine with SSHFS.';
  static override description =
    'Arguments are [machine:][path] [mountpoint]. The mountpoint defaults to the path; it must exist. Needs sshfs (and fusermount to unmount) on this computer.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> web:/srv/app ./app',
    '<%= config.bin %> <%= command.id %> -u web:/srv/app ./app',
  ];
  // One or two arguments: checked below, with docker-machine's message.
  static override strict = false;
  static override args = {
    source: Args.string({ description: '[[user@]machine:][path] on the machine' }),
    mountpoint: Args.string({ description: 'local directory (default: the path)' }),
  };
  static override flags = {
    unmount: Flags.boolean({ char: 'u', summary: 'Unmount instead of mount' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Mount);
    const args = argv as string[];
    const usage = (message: string) => new UsageError(message, `See '${this.config.bin} ${this.id} --help'.`);
    if (args.length < 1 || args.length > 2) throw usage('Improper number of arguments');
    // The tool first, as docker-machine: its absence is the first thing to fix.
    const tool = flags.unmount ? await fusermountTool() : await sshfsTool();
    const source = parseMountSource(args[0] as string);
    const mountpoint = args[1] ?? source.path;
    if (!mountpoint) throw usage('No mountpoint: give one as the second argument');
    const ctx = await this.context();
    if (flags.unmount) {
      // The machine must exist (docker-machine loaded it), but it may be stopped by now.
      await loadMachine(ctx.store, source.machine);
      await unmountSshfs(tool, mountpoint, this.abort.signal);
      return;
    }
    const machine = await openRunningMachine(ctx, source.machine, this.config.bin);
    const target = await sshTarget(ctx.store, machine.record, machine.driver);
    await mountOverSshfs(tool, {
      target: source.user ? { ...target, user: source.user } : target,
      remotePath: source.path,
      mountpoint,
      signal: this.abort.signal,
    });
  }
}
