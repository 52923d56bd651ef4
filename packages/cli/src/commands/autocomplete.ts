import { Args } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { setupInstructions, shellFromEnv } from '../completion/setup-instructions.js';
import { COMPLETION_SHELLS, type CompletionShell, completionScript } from '../completion/shell-scripts.js';

export default class Autocomplete extends BerthCommand {
  static override summary = 'Show how to turn on shell completion (bash, zsh or fish), or print its script';
  static override description =
    "Completes commands, flags (a driver's create flags too), machine names and driver names. Without a shell, the one $SHELL names.";
  static override usage = ['<%= command.id %> [bash|zsh|fish]', '<%= command.id %> script bash|zsh|fish'];
  static override examples = [
    '<%= config.bin %> <%= command.id %> bash',
    'source <(<%= config.bin %> <%= command.id %> script bash)',
  ];
  // Free-form, checked in run(): `script` takes the shell as a second argument.
  static override args = {
    shell: Args.string({ description: 'bash, zsh or fish; or `script` followed by one of them' }),
    scriptShell: Args.string({ description: 'after `script`: the shell whose script to print' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Autocomplete);
    if (args.shell === 'script') {
      process.stdout.write(completionScript(this.shellNamed(args.scriptShell), this.config.bin));
      return;
    }
    if (args.scriptShell !== undefined) {
      this.error(`Error: unexpected argument ${args.scriptShell}; see '${this.config.bin} autocomplete --help'`, {
        exit: 1,
      });
    }
    const shell = args.shell === undefined ? shellFromEnv(process.env) : this.shellNamed(args.shell);
    if (shell === undefined) {
      this.error(
        `Error: cannot tell the shell from SHELL=${process.env.SHELL ?? ''}; name it: ${this.config.bin} autocomplete ${COMPLETION_SHELLS.join('|')}`,
        { exit: 1 },
      );
    }
    process.stdout.write(setupInstructions(shell, this.config.bin));
  }

  private shellNamed(name: string | undefined): CompletionShell {
    if ((COMPLETION_SHELLS as readonly (string | undefined)[]).includes(name)) return name as CompletionShell;
    this.error(`Error: completion is for ${COMPLETION_SHELLS.join(', ')}, not "${name ?? ''}"`, { exit: 1 });
  }
}
