/**
 * PowerShell's default views for the few objects docker-machine's calls print (reference §3.4):
 * a property list (`Name : value`, keys padded to the longest) and a table (columns as wide as
 * their widest cell, the last one unpadded). Both begin with a blank line and end with two, as
 * Out-Default writes them.
 */
export type Cell = string | number | boolean;

function cellText(value: Cell): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

export function formatList(entries: ReadonlyArray<readonly [string, Cell]>): string[] {
  const width = Math.max(...entries.map(([key]) => key.length));
  return ['', ...entries.map(([key, value]) => `${key.padEnd(width)} : ${cellText(value)}`.trimEnd()), '', ''];
}

export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string[] {
  const texts = rows.map((row) => row.map(cellText));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...texts.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join(' ')
      .trimEnd();
  return ['', line(headers), line(headers.map((header) => '-'.repeat(header.length))), ...texts.map(line), '', ''];
}
