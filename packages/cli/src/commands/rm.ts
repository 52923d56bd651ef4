import { removeMachineOp } from '@berth/core/machine';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
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
  };

  async run(): Promise<RmResult> {
    const { flags, argv } = await this.parse(Rm);
    const names = argv as string[];
    if (names.length === 0) this.error('Error: Expected to get one or more machine names as arguments', { exit: 1 });
    this.log(`About to remove ${names.join(', ')}`);
    this.log('WARNING: This action will delete both local reference and remote instance.');
    if (!flags.force && !flags.y) {
      const yes = await askYesNo('Are you sure? (y/n): ');
      if (!yes) return { removed: [] };
    }
    const ctx = await this.context();
    const removed: string[] = [];
    let failed = false;
    for (const name of names) {
      try {
        const outcome = await removeMachineOp(ctx, name, flags.force);
        if (outcome.remoteError) this.reportRemoveError(name, outcome.remoteError);
        this.log(`Successfully removed ${name}`);
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
    this.logToStderr(`Error removing host "${name}": ${(error as Error).message}`);
    for (const action of (error as { actions?: string[] }).actions ?? []) this.logToStderr(`  ${action}`);
  }
}
