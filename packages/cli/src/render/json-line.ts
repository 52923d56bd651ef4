/**
 * One value as one line: compact JSON and a newline (JSON Lines, as `docker ps --format json`
 * prints one object per container).
 */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
