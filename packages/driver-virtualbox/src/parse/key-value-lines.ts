/**
 * The `Key:   value` lines of VBoxManage's `list` output, in order. Indented lines (nested
 * settings of `list dhcpservers`) and lines without a colon are left out; CR is dropped.
 */
export function keyValueLines(text: string): Array<{ key: string; value: string }> {
  const pairs: Array<{ key: string; value: string }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || /^\s/.test(line)) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    pairs.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return pairs;
}
