import { BerthCommand } from './base-command.js';
import { forEachMachine } from './each-machine.js';
import { machineNamesOrDefault } from './machine-names.js';

/** A command that acts on one or more machines (default: `default`) and fails if any fails. */
export abstract class MachineActionCommand extends BerthCommand {
  protected async forEachNamed(names: readonly string[], work: (name: string) => Promise<void>): Promise<void> {
    const ctx = await this.context();
    const targets = await machineNamesOrDefault(ctx, names);
    const ok = await forEachMachine(targets, work, (name, error) => {
      if (this.jsonProgress) return this.jsonProgress.error(error, name);
      const { message } = error as Error;
      const code = (error as { code?: unknown }).code;
      this.logToStderr(`${typeof code === 'string' ? this.actionErrorPrefix(name, { code }) : ''}${message}`);
      for (const action of (error as { actions?: string[] }).actions ?? []) this.logToStderr(`  ${action}`);
    });
    if (!ok) this.exit(1);
  }

  /** docker-machine's prefix for one machine's failure (ip: "Error getting IP address: "). */
  protected actionErrorPrefix(_name: string, _error: { code: string }): string {
    return '';
  }
}
