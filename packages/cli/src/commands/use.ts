import { type ContextOverride, type UseContextResult, useDefaultContext, useMachineContext } from '@berth/core/machine';
import { Args, Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { machineNamesOrDefault } from '../machine-names.js';

export default class Use extends BerthCommand {
  static override summary = "Make a machine the docker CLI's current context";
  static override description =
    'Every machine has a docker context, berth-NAME. After `use NAME` a plain `docker` command talks to that machine, in every shell, without environment variables; `use --unset` goes back to the default context.';
  static override examples = ['<%= config.bin %> <%= command.id %> web', '<%= config.bin %> <%= command.id %> --unset'];
  static override args = { name: Args.string({ description: 'machine name' }) };
  static override flags = {
    unset: Flags.boolean({ char: 'u', summary: 'Go back to the default docker context' }),
  };

  async run(): Promise<UseContextResult> {
    const { args, flags } = await this.parse(Use);
    if (flags.unset && args.name !== undefined) this.error('Error: --unset takes no machine name', { exit: 1 });
    const ctx = await this.context();
    let result: UseContextResult;
    if (flags.unset) {
      result = await useDefaultContext(ctx);
    } else {
      const [name] = await machineNamesOrDefault(ctx, args.name === undefined ? [] : [args.name]);
      result = await useMachineContext(ctx, name as string);
    }
    this.log(
      result.machine === undefined
        ? `Current docker context is now "${result.context}"`
        : `Current docker context is now "${result.context}" (machine ${result.machine})`,
    );
    for (const override of result.overrides) this.logToStderr(overrideWarning(override, this.config.bin));
    return result;
  }
}

/** Why docker will not follow the context in this shell, and what to do about it. */
function overrideWarning(override: ContextOverride, bin: string): string {
  return override.variable === 'DOCKER_HOST'
    ? `Warning: DOCKER_HOST is set (${override.value}), so docker ignores the current context in this shell. Run: eval $(${bin} env -u)`
    : `Warning: DOCKER_CONTEXT is set (${override.value}), so docker uses that context in this shell. Run: unset DOCKER_CONTEXT`;
}
