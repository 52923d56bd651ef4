import { machineState } from '@berth/core/machine';
import { STATE_DISPLAY_NAMES } from '@berth/driver-protocol';
import { Args } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { stateErrorPrefix } from '../error-output.js';
import { jsonFormatFlag } from '../json-format-flag.js';
import { machineNamesOrDefault } from '../machine-names.js';
import { jsonLine, type StatusJson } from '../render/index.js';

export default class Status extends BerthCommand {
  static override summary = 'Get the status of a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> web'];
  static override args = { name: Args.string({ description: 'machine name' }) };
  static override flags = { format: jsonFormatFlag() };

  async run(): Promise<{ state: string }> {
    const { args, flags } = await this.parse(Status);
    const ctx = await this.context();
    const [name] = await machineNamesOrDefault(ctx, args.name ? [args.name] : []);
    this.machineName = name as string;
    const state = await machineState(ctx, name as string);
    if (flags.format === 'json')
      process.stdout.write(jsonLine({ Name: name as string, State: state } satisfies StatusJson));
    else this.log(STATE_DISPLAY_NAMES[state]);
    return { state };
  }

  /** The machine asked about, once known: docker-machine's error prefix names it. */
  private machineName: string | undefined;

  protected override errorPrefix(error: Error & { code: string }): string {
    return this.machineName === undefined ? '' : stateErrorPrefix(this.machineName, error);
  }
}
