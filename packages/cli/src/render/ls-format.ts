import { type CompiledTemplate, compileTemplate } from '@berth/go-format';

/** docker-machine's default `ls` format. */
export const LS_DEFAULT_FORMAT =
  'table {{ .Name }}\t{{ .Active }}\t{{ .DriverName}}\t{{ .State }}\t{{ .URL }}\t{{ .Swarm }}\t{{ .DockerVersion }}\t{{ .Error}}';

export interface LsFormat {
  /** A `table` format prints a header row and aligns columns. */
  readonly table: boolean;
  readonly template: CompiledTemplate;
}

/**
 * Reads `ls --format` as docker-machine did: empty means the default; a leading `table`
 * (matched as a plain prefix) asks for a header and aligned columns; spaces around the rest
 * are trimmed; the two-character sequences `\t` and `\n` become a tab and a newline; each
 * row ends with a newline. Throws TemplateParseError.
 */
export function parseLsFormat(format: string | undefined): LsFormat {
  let text = format === undefined || format === '' ? LS_DEFAULT_FORMAT : format;
  const table = text.startsWith('table');
  if (table) text = text.slice('table'.length);
  text = text.replace(/^ +| +$/g, '').replace(/\\([tn])/g, (_, c: string) => (c === 't' ? '\t' : '\n'));
  return { table, template: compileTemplate(`${text}\n`, { name: 'ls' }) };
}
