import { dockerHostInEffect, probeMachine } from '@berth/core/machine';
import { listMachines } from '@berth/core/store';
import { Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { jsonFormatFlag } from '../json-format-flag.js';
import { type ActiveJson, compareNatural, jsonLine } from '../render/index.js';

export default class Active extends BerthCommand {
  static override summary = 'Print which machine is active';
  static override examples = ['<%= config.bin %> <%= command.id %>'];
  static override flags = {
    timeout: Flags.integer({ char: 't', summary: 'Timeout in seconds, default to 10s', default: 10 }),
    format: jsonFormatFlag(),
  };

  async run(): Promise<{ name: string }> {
    const { flags, argv } = await this.parse(Active);
    if (argv.length > 0) this.error('Error: Too many arguments given', { exit: 1 });
    // DOCKER_HOST, or the machine whose context is current (`berth use`), as `ls` marks it.
    const dockerHost = await dockerHostInEffect(process.env);
    const ctx = await this.context();
    const machines = (await listMachines(ctx.store)).flatMap((entry) => (entry.ok ? [entry.machine] : []));
    machines.sort((a, b) => compareNatural(a.name.toLowerCase(), b.name.toLowerCase()));
    if (dockerHost) {
      const probes = await Promise.all(machines.map((m) => probeMachine(ctx, m, flags.timeout * 1000)));
      const active = probes.find((p) => p.state === 'Running' && p.url === dockerHost);
      if (active) {
        if (flags.format === 'json') process.stdout.write(jsonLine({ Name: active.name } satisfies ActiveJson));
        else this.log(active.name);
        return { name: active.name };
      }
      if (probes.some((p) => p.timedOut)) this.error('Error getting active host: timeout', { exit: 1 });
    }
    this.error('No active host found', { exit: 1 });
  }
}
