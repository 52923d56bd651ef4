import type { CreateFlag } from '@berth/driver-protocol';
import { Flags, type Interfaces } from '@oclif/core';

/**
 * A driver's create flags as oclif flags. Environment variables and defaults are applied later by
 * the protocol's resolver, so that a flag given on the command line can be told from a default.
 */
export function toOclifFlags(flags: readonly CreateFlag[]): Interfaces.FlagInput {
  const result: Interfaces.FlagInput = {};
  for (const flag of flags) {
    const summary = flag.description;
    switch (flag.type) {
      case 'bool':
        result[flag.name] = Flags.boolean({ summary, allowNo: false });
        break;
      case 'int':
        result[flag.name] = Flags.integer({ summary });
        break;
      case 'string-array':
        result[flag.name] = Flags.string({ summary, multiple: true, multipleNonGreedy: true });
        break;
      default:
        result[flag.name] = Flags.string({ summary });
    }
  }
  return result;
}

/** `create -d NAME --help`: every flag, sorted, with its default and environment variable. */
export function driverFlagsHelp(flags: readonly CreateFlag[]): string {
  const lines = [...flags]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((flag) => {
      const fallback = flag.default === undefined || flag.secret ? '' : ` "${String(flag.default)}"`;
      const env = flag.envVar ? ` [$${flag.envVar}]` : '';
      return `  --${flag.name}${fallback}\t${flag.description}${env}`;
    });
  return lines.join('\n');
}
