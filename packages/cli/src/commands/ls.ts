import { listMachines } from '@berth/core/store';
import { Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { takeEarlyListing } from '../early-context.js';
import { listForLs } from '../ls-listing.js';
import type { LsRow } from '../render/index.js';

export default class Ls extends BerthCommand {
  static override summary = 'List machines';
  static override examples = [
    "<%= config.bin %> <%= command.id %> --filter driver=generic --format '{{.Name}} {{.URL}}'",
  ];
  static override flags = {
    quiet: Flags.boolean({ char: 'q', summary: 'Enable quiet mode' }),
    filter: Flags.string({ summary: 'Filter output based on conditions provided', multiple: true }),
    timeout: Flags.integer({ char: 't', summary: 'Timeout in seconds, default to 10s', default: 10 }),
    format: Flags.string({
      char: 'f',
      summary: 'Pretty-print machines using a Go template, or `json` for one JSON object per machine',
    }),
  };

  async run(): Promise<LsRow[]> {
    const { flags } = await this.parse(Ls);
    const ctx = await this.context();
    // main() may have listed the store already, to start the drivers early.
    const listing = takeEarlyListing() ?? listMachines(ctx.store);
    listing.catch(() => undefined); // its error is thrown by listForLs's await
    const outcome = await listForLs(
      ctx,
      { quiet: flags.quiet, filter: flags.filter ?? [], timeoutSeconds: flags.timeout, format: flags.format },
      listing,
      () => this.releaseContext(),
    );
    process.stdout.write(outcome.stdout);
    if (outcome.error) this.error(outcome.error.message, { exit: 1 });
    return outcome.rows;
  }
}
