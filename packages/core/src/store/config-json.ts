import { MachineConfigError, MachineConfigVersionError } from '../errors/store-errors.js';
import { migrateToCurrent } from './config-migration.js';
import { checkHostConfigShape, isObject } from './config-shape.js';
import { CURRENT_CONFIG_VERSION, type HostConfig } from './host-config.js';

export interface ParsedHostConfig {
  config: HostConfig;
  /** ConfigVersion found in the file; below {@link CURRENT_CONFIG_VERSION} means it was migrated in memory. */
  sourceVersion: number;
}

export interface ConfigOrigin {
  /** Directory name of the machine; it always wins over the `Name` in the file. */
  machineName: string;
  configPath: string;
}

/** Parses config.json text into a v3 record, migrating v1/v2 in memory. */
export function parseHostConfig(text: string, origin: ConfigOrigin): ParsedHostConfig {
  const fail = (problem: 'empty' | 'syntax' | 'shape', detail: string, cause?: unknown) =>
    new MachineConfigError(origin.machineName, origin.configPath, problem, detail, cause);

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Go's wording for empty and truncated input, which is what the fixtures show.
    if (text.trim() === '') throw fail('empty', 'unexpected end of JSON input', error);
    if (endsEarly(message, text)) throw fail('syntax', 'unexpected end of JSON input', error);
    throw fail('syntax', `invalid JSON: ${message}`, error);
  }
  if (!isObject(raw)) throw fail('shape', 'json: config.json does not hold a JSON object');

  const version = raw.ConfigVersion ?? 0;
  if (!Number.isInteger(version)) throw fail('shape', 'json: ConfigVersion is not an integer');
  const sourceVersion = version as number;
  if (sourceVersion > CURRENT_CONFIG_VERSION) {
    throw new MachineConfigVersionError(origin.machineName, origin.configPath, sourceVersion);
  }

  let record = raw;
  if (sourceVersion < CURRENT_CONFIG_VERSION) {
    const migrated = migrateToCurrent(raw, sourceVersion);
    if (migrated.kind === 'too-old') {
      throw new MachineConfigVersionError(origin.machineName, origin.configPath, sourceVersion);
    }
    if (migrated.kind === 'shape') throw fail('shape', migrated.problem);
    record = migrated.raw;
  }

  const checked = checkHostConfigShape(record, origin.machineName);
  if (!checked.ok) throw fail('shape', checked.problem);
  return { config: checked.config, sourceVersion };
}

// V8 reports truncation in several ways ("Unexpected end of JSON input", "Unterminated string",
// or an error positioned at the very end); Go calls all of them "unexpected end of JSON input".
function endsEarly(message: string, text: string): boolean {
  if (/end of JSON input|Unterminated string/i.test(message)) return true;
  const position = /at position (\d+)/.exec(message)?.[1];
  return position !== undefined && Number(position) >= text.trimEnd().length;
}

/**
 * Text of config.json as docker-machine writes it: 4-space indent, Go's HTML-safe escaping of
 * `<`, `>`, `&`, U+2028 and U+2029, and no trailing newline.
 */
export function serializeHostConfig(config: HostConfig): string {
  // These characters can only occur inside JSON strings, so replacing them everywhere is safe.
  return JSON.stringify(config, null, 4).replace(/[<>&\u2028\u2029]/g, (ch) => GO_ESCAPES[ch] ?? ch);
}

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};
