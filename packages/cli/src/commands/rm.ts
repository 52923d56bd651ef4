import { removeMachineOp } from '@berth/core/machine';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { PROGRESS_FLAGS } from '../progress/index.js';
import { askYesNo } from '../prompt.js';

export interface RmResult {
  removed: string[];
}

export default class Rm extends BerthCommand {
  static override summary = 'Remove a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> -y web'];
  static override strict = false;
  static override args = { names: Args.string({ description: 'machine names' }) };
  static override flags = {
    force: Flags.boolean({
      char: 'f',
      summary: 'Remove local configuration even if machine cannot be removed, also implies an automatic yes (`-y`)',
    }),
    y: Flags.boolean({
      char: 'y',
      summary: 'Assumes automatic yes to proceed with remove, without prompting further user confirmation',
    }),
    ...PROGRESS_FLAGS,
  };

  async run(): Promise<RmResult> {
    const progress = this.progressOutput();
    const { flags, argv } = await this.parse(Rm);
    const names = argv as string[];
    if (names.length === 0) this.error('Error: Expected to get one or more machine names as arguments', { exit: 1 });
    // A tool reading JSON lines cannot answer a prompt on them.
    if (progress.json && !flags.force && !flags.y) this.error('--progress json needs -y or -f', { exit: 1 });
    progress.info(`About to remove ${names.join(', ')}`);
    progress.info('WARNING: This action will delete both local reference and remote instance.');
    if (!flags.force && !flags.y) {
      const yes = await askYesNo('Are you sure? (y/n): ');
      if (!yes) return { removed: [] };
    }
    const ctx = await this.context();
    const removed: string[] = [];
    let failed = false;
    for (const name of names) {
      try {
        const outcome = await removeMachineOp(ctx, name, {
          force: flags.force,
          progress: (line) => progress.step(line, name),
        });
        if (outcome.swarmError) this.reportWarning(name, outcome.swarmError);
        if (outcome.remoteError) this.reportRemoveError(name, outcome.remoteError);
        if (outcome.secretError) this.reportRemoveError(name, outcome.secretError);
        progress.step(`Successfully removed ${name}`, name);
        removed.push(name);
      } catch (error) {
        failed = true;
        this.reportRemoveError(name, error);
      }
    }
    if (failed) this.exit(1);
    return { removed };
  }

  /** docker-machine's line, then what to do about what is left (e.g. a cloud resource to delete). */
  private reportRemoveError(name: string, error: unknown): void {
    this.report(name, error, `Error removing host "${name}": `);
  }

  /** What rm did not undo although the machine is gone (its node in a swarm), then what to do. */
  private reportWarning(name: string, warning: unknown): void {
    this.report(name, warning, 'Warning: ');
  }

  /** On stderr after `prefix`, with its actions; with `--progress json`, an error line with its code. */
  private report(name: string, error: unknown, prefix: string): void {
    if (this.jsonProgress) {
      this.jsonProgress.error(error, name);
      return;
    }
    this.logToStderr(`${prefix}${(error as Error).message}`);
    for (const action of (error as { actions?: string[] }).actions ?? []) this.logToStderr(`  ${action}`);
  }
}
