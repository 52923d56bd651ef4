import { TabWriter, TemplateExecError } from '@berth/go-format';
import { parseLsFormat } from './ls-format.js';
import { displayedState } from './ls-last-known.js';
import { LS_HEADERS, type LsRow, lsTemplateData } from './ls-row.js';
import { swarmColumn, swarmMasters } from './ls-swarm.js';
import { compareNatural } from './natural-sort.js';
import type { RenderResult } from './render-result.js';

export interface LsRenderOptions {
  /** `--format`; empty or absent means the default table. */
  readonly format?: string;
  /**
   * Swarm masters by discovery URL. Defaults to the masters among `rows`; pass it when
   * rows of timed-out machines have no SwarmOptions but still lead a swarm.
   */
  readonly swarmMasters?: ReadonlyMap<string, string>;
  /** The time ages of last known states are counted to (default: now). */
  readonly now?: Date;
}

/**
 * The `ls` output for already-filtered rows: sorted by name, then one template run per
 * row; a `table` format adds the header and aligns columns. Throws TemplateParseError for
 * a bad format (nothing printed). A failing row stops the output there and is returned as
 * `error`, with what docker-machine had already printed (header and earlier rows) in `stdout`.
 * The default table shows a timed-out machine's last known state beside `Timeout`; a user's
 * template sees docker-machine's `.State`.
 */
export function renderLs(rows: readonly LsRow[], options: LsRenderOptions = {}): RenderResult {
  const { table, template } = parseLsFormat(options.format);
  const defaultFormat = options.format === undefined || options.format === '';
  const now = options.now ?? new Date();
  const masters = options.swarmMasters ?? swarmMasters(rows);
  const writer = new TabWriter();
  let plain = '';
  const write = (text: string): void => {
    if (table) writer.write(text);
    else plain += text;
  };
  const finish = (error?: TemplateExecError): RenderResult => {
    const stdout = table ? writer.flush() : plain;
    return error === undefined ? { stdout } : { stdout, error };
  };

  const items: unknown[] = sortLsRows(rows).map((row) =>
    lsTemplateData(row, swarmColumn(row, masters), defaultFormat ? displayedState(row, now) : row.State),
  );
  if (table) items.unshift({ ...LS_HEADERS });
  for (const item of items) {
    try {
      write(template.execute(item));
    } catch (error) {
      if (!(error instanceof TemplateExecError)) throw error;
      write(error.partialOutput);
      return finish(error);
    }
  }
  return finish();
}

/** `ls -q`: one name per line, in the order given (docker-machine's directory order). */
export function renderLsQuiet(names: readonly string[]): string {
  return names.map((name) => `${name}\n`).join('');
}

/**
 * Natural order of lower-cased names. docker-machine collapsed names that differ only in
 * case into one (printing one of them twice); Berth keeps both, in input order.
 */
export function sortLsRows<T extends { readonly Name: string }>(rows: readonly T[]): T[] {
  return rows
    .map((row, index) => ({ row, index, key: row.Name.toLowerCase() }))
    .sort((a, b) => compareNatural(a.key, b.key) || a.index - b.index)
    .map(({ row }) => row);
}
