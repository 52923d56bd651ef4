import { openMachine, sshTarget, stateOf } from '@berth/core/machine';
import {
  builtinSshPlan,
  findOpenSsh,
  parseSshCommandLine,
  parseSshDestination,
  runBuiltinSsh,
  runExternalSsh,
} from '@berth/core/ssh';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';

const USAGE = `Usage: berth ssh [SSH OPTIONS] [NAME] [SSH OPTIONS] [COMMAND...]

Log into or run a command on a machine with SSH.

Options are OpenSSH's (-C, -L, -R, -N, -t, -T, -A, -o Key=Value, ...), before or after the
name; the first word that is not an option starts the command, and -- ends the options.
Berth runs OpenSSH's ssh when it is on PATH, else its built-in client, which honours the
common options and names any other it cannot; \`berth --native-ssh ssh ...\` asks for it.`;

/** Go's strconv.ParseBool, as docker-machine read MACHINE_NATIVE_SSH. */
function envFlag(value: string | undefined): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value ?? '');
}

export default class Ssh extends BerthCommand {
  static override summary = 'Log into or run a command on a machine with SSH.';
  static override description =
    "Takes OpenSSH's options, before or after the machine name, as ssh itself does: `berth ssh web -C echo foo` " +
    "compresses and runs `echo foo`. OpenSSH's ssh runs when it is on PATH; otherwise, or with the global " +
    "--native-ssh flag (MACHINE_NATIVE_SSH=true), Berth's built-in client does, which honours -4 -6 -A -a -b -C " +
    '-c -g -i -L -l -m -N -n -p -q -R -s -T -t -v -W -x and the -o options it can; any other option is an error ' +
    'that says so.';
  static override usage = 'ssh [SSH OPTIONS] [NAME] [SSH OPTIONS] [COMMAND...]';
  static override examples = [
    '<%= config.bin %> <%= command.id %> web',
    '<%= config.bin %> <%= command.id %> web -- uname -a',
    '<%= config.bin %> <%= command.id %> web -C echo foo',
    '<%= config.bin %> <%= command.id %> -N -L 8080:localhost:80 web',
    '<%= config.bin %> <%= command.id %> -A -o ConnectTimeout=5 root@web',
    '<%= config.bin %> --native-ssh <%= command.id %> web -t top',
  ];
  // OpenSSH's options are read by core's parser (ssh's own getopt rules), not by oclif.
  static override strict = false;

  async run(): Promise<void> {
    const raw = [...this.argv];
    if (raw[0] === '-h' || raw[0] === '--help' || raw[0] === '-help') {
      this.log(USAGE);
      return;
    }
    const line = parseSshCommandLine(raw);
    const destination = line.destination === undefined ? undefined : parseSshDestination(line.destination);
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, destination ? [destination.machine] : []);
    const machine = await openMachine(ctx, name as string);
    if ((await stateOf(ctx, machine)) !== 'Running')
      this.error(`Error: Cannot run SSH command: Host "${name}" is not running`, { exit: 1 });
    const target = await sshTarget(ctx.store, machine.record, machine.driver);
    // The driver is not needed any more; a long session should not keep its process.
    this.releaseContext();
    const input = { target, line, ...(destination?.user ? { destinationUser: destination.user } : {}) };
    const asked = envFlag(process.env.MACHINE_NATIVE_SSH);
    const external = asked ? undefined : await findOpenSsh();
    const code = external
      ? await runExternalSsh(external, input, this.abort.signal)
      : await runBuiltinSsh(
          builtinSshPlan({ ...input, reason: asked ? 'asked' : 'no-ssh-on-path', env: process.env }),
          this.abort.signal,
        );
    if (code !== 0) this.exit(code);
  }
}
