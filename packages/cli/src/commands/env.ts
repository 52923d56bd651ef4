import { ipOf } from '@berth/core/machine';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { connectionErrorPrefix } from '../error-output.js';
import { machineNamesOrDefault } from '../machine-names.js';
import { machineEnvText, openCheckedMachine } from '../machine-output.js';
import { parentProcessNames } from '../parent-processes.js';
import * as render from '../render/index.js';

export default class Env extends BerthCommand {
  static override summary = 'Display the commands to set up the environment for the Docker client';
  static override examples = ['eval $(<%= config.bin %> <%= command.id %> web)'];
  static override args = { name: Args.string({ description: 'machine name' }) };
  static override strict = false;
  static override flags = {
    swarm: Flags.boolean({ summary: 'Display the Swarm config instead of the Docker daemon' }),
    shell: Flags.string({
      summary:
        'Force environment to be configured for a specified shell: [fish, cmd, powershell, tcsh, emacs], default is auto-detect',
    }),
    unset: Flags.boolean({ char: 'u', summary: 'Unset variables instead of setting them' }),
    'no-proxy': Flags.boolean({ summary: 'Add machine IP to NO_PROXY environment variable' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Env);
    const names = argv as string[];
    const args = process.argv.slice(2);
    // As docker-machine: the shell is detected after the machine's TLS check when setting, so a
    // broken machine reports its own error first.
    const shellOrExit = (): string => {
      const detected = flags.shell
        ? { ok: true as const, shell: flags.shell }
        : render.detectShell({
            platform: process.platform,
            env: process.env,
            ancestorProcessNames: parentProcessNames(),
          });
      if (!detected.ok) {
        this.log(detected.notice);
        this.error(detected.error, { exit: 1 });
      }
      return detected.shell;
    };
    if (flags.unset) {
      const shell = shellOrExit();
      if (names.length > 0) this.error(render.UNSET_WITH_MACHINE_NAME_ERROR, { exit: 1 });
      const noProxyName = flags['no-proxy'] ? render.currentNoProxy(process.env).name : undefined;
      process.stdout.write(
        render.renderEnvUnset({
          shell,
          programName: this.config.bin,
          args,
          ...(noProxyName ? { noProxyName } : {}),
        }),
      );
      return;
    }
    if (names.length > 1) this.error('Error: Expected one machine name as an argument', { exit: 1 });
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, names);
    const machine = await openCheckedMachine(ctx, name as string, (record) => {
      if (flags.swarm && !record.config.HostOptions.SwarmOptions.Master) {
        this.error(render.notSwarmMasterMessage(record.name), { exit: 1 });
      }
    });
    const shell = shellOrExit();
    const noProxy = flags['no-proxy'] ? render.noProxyWithMachine(process.env, await ipOf(ctx, machine)) : undefined;
    process.stdout.write(
      machineEnvText(machine, {
        shell,
        programName: this.config.bin,
        args,
        ...(noProxy ? { noProxy } : {}),
      }),
    );
  }

  protected override errorPrefix(error: Error & { code: string }): string {
    return connectionErrorPrefix('env', error);
  }
}
