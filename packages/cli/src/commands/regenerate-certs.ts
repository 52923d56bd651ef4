import { ensureCaAndClientCert } from '@berth/core/certs';
import { reprovisionMachine } from '@berth/core/machine';
import { Flags } from '@oclif/core';
import { MachineActionCommand } from '../machine-action-command.js';
import { askYesNo } from '../prompt.js';

export default class RegenerateCerts extends MachineActionCommand {
  // Statics are read as own properties by oclif's parse, so each command states it.
  static override strict = false;
  static override summary = 'Regenerate TLS Certificates for a machine';
  static override examples = ['<%= config.bin %> <%= command.id %> -f web'];
  static override flags = {
    force: Flags.boolean({ char: 'f', summary: 'Force rebuild and do not prompt' }),
    'client-certs': Flags.boolean({ summary: 'Also regenerate client certificates and CA.' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(RegenerateCerts);
    if (!flags.force) {
      const yes = await askYesNo('Regenerate TLS machine certs?  Warning: this is irreversible. (y/n): ');
      if (yes === undefined) this.error('Error reading the answer: no input', { exit: 1 });
      if (!yes) return;
    }
    const ctx = await this.context();
    if (flags['client-certs']) {
      this.log('Regenerating local certificates');
      await ensureCaAndClientCert(ctx.store.certsDir, {
        onProgress: (event) => this.log(`${event.kind}: ${event.path}`),
      });
    }
    this.log('Regenerating TLS certificates');
    await this.forEachNamed(argv as string[], async (name) => {
      await reprovisionMachine(ctx, name, { progress: (line) => this.log(line), signal: this.abort.signal });
    });
  }
}
