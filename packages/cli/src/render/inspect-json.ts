import { encodeGoJson } from '@berth/go-format';

/**
 * `inspect` without `--format`: the machine config as Go's json.MarshalIndent printed it
 * (4-space indent, keys in the config's own order, `<>&` escaped), plus a newline. For a
 * config read from config.json this reproduces the file byte for byte, plus the newline.
 */
export function renderInspect(config: unknown): string {
  return `${encodeGoJson(config, { indent: '    ', sortMapKeys: false })}\n`;
}
