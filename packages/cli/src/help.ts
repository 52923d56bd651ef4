import { BerthContext, driverCreateFlags } from '@berth/core/machine';
import { type Command, Help } from '@oclif/core';
import { berthContextOptions } from './context-options.js';
import { driverNameFromArgv } from './create-flags.js';
import { driverFlagsHelp } from './driver-flags.js';

/**
 * oclif's help, plus docker-machine's `create -d DRIVER --help`: the driver's own flags, which
 * only the driver process can tell (they are not static flags of the command).
 */
export default class BerthHelp extends Help {
  /** What help was asked with, command first (`create -d generic --help`). */
  private helpArgv: readonly string[] = [];

  override async showHelp(argv: string[]): Promise<void> {
    this.helpArgv = argv;
    await super.showHelp(argv);
  }

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    await super.showCommandHelp(command);
    if (command.id !== 'create') return;
    const driverName = driverNameFromArgv(this.helpArgv.slice(1), process.env);
    // With the built-in drivers, as every command opens its context: they are not on PATH.
    const ctx = BerthContext.open(berthContextOptions((line) => this.log(line)));
    try {
      const flags = await driverCreateFlags(ctx, driverName);
      this.log(`DRIVER FLAGS (${driverName})`);
      this.log(driverFlagsHelp(flags));
    } catch (error) {
      this.log(`(flags of driver "${driverName}" unavailable: ${(error as Error).message})`);
    } finally {
      await ctx.dispose();
    }
  }
}
