import { encodeGoJson } from '@berth/go-format/json';
import { jsonLine } from './json-line.js';

/**
 * `inspect` without `--format`: the machine config as Go's json.MarshalIndent printed it
 * (4-space indent, keys in the config's own order, `<>&` escaped), plus a newline. For a
 * config read from config.json this reproduces the file byte for byte, plus the newline.
 */
export function renderInspect(config: unknown): string {
  return `${encodeGoJson(config, { indent: '    ', sortMapKeys: false })}\n`;
}

/** `inspect --format json`: the same config as one compact line (JSON Lines, like `ls --format json`). */
export function renderInspectJsonLine(config: unknown): string {
  return jsonLine(config);
}
