import type { FlagSpecs } from './command-line/flag-spec.js';
import { tokenize } from './command-line/tokenize.js';

/**
 * Docker Machine's global options come before the command (`berth -s DIR --debug ls`). oclif has
 * no such notion, so they are taken off argv here and handed on as the environment variables
 * docker-machine itself reads for them; commands read only the environment.
 */
export const GLOBAL_OPTIONS: FlagSpecs = {
  'storage-path': { name: 'storage-path', char: 's', type: 'option' },
  'tls-ca-cert': { name: 'tls-ca-cert', type: 'option' },
  'tls-ca-key': { name: 'tls-ca-key', type: 'option' },
  'tls-client-cert': { name: 'tls-client-cert', type: 'option' },
  'tls-client-key': { name: 'tls-client-key', type: 'option' },
  'github-api-token': { name: 'github-api-token', type: 'option' },
  'bugsnag-api-token': { name: 'bugsnag-api-token', type: 'option' },
  debug: { name: 'debug', char: 'D', type: 'boolean' },
  'native-ssh': { name: 'native-ssh', type: 'boolean' },
  version: { name: 'version', char: 'v', type: 'boolean' },
  help: { name: 'help', char: 'h', type: 'boolean' },
};

/** The environment variable each option sets. */
const OPTION_ENV: Readonly<Record<string, string>> = {
  'storage-path': 'MACHINE_STORAGE_PATH',
  'tls-ca-cert': 'MACHINE_TLS_CA_CERT',
  'tls-ca-key': 'MACHINE_TLS_CA_KEY',
  'tls-client-cert': 'MACHINE_TLS_CLIENT_CERT',
  'tls-client-key': 'MACHINE_TLS_CLIENT_KEY',
  'github-api-token': 'MACHINE_GITHUB_API_TOKEN',
  'bugsnag-api-token': 'MACHINE_BUGSNAG_API_TOKEN',
  debug: 'MACHINE_DEBUG',
  'native-ssh': 'MACHINE_NATIVE_SSH',
};

export interface GlobalParse {
  argv: string[];
  env: Record<string, string>;
  error?: string;
}

export function parseGlobalFlags(argv: readonly string[]): GlobalParse {
  const read = tokenize(argv, GLOBAL_OPTIONS, { goGlobalOptions: true, stopAfter: ['version', 'help'] });
  const env: Record<string, string> = {};
  for (const token of read.tokens) {
    if (token.type !== 'flag') continue;
    if (token.flag === 'version') return { argv: ['version', ...read.rest], env };
    if (token.flag === 'help') return { argv: ['--help'], env };
    const variable = OPTION_ENV[token.flag] as string;
    // A boolean's input is what it was given as (`--debug`), or its value (`--debug=false`).
    const boolean = GLOBAL_OPTIONS[token.flag]?.type === 'boolean';
    env[variable] = boolean && token.input.startsWith('-') ? 'true' : token.input;
  }
  if (read.fault?.kind === 'missing-value')
    return { argv: [], env, error: `flag needs an argument: ${read.fault.given}` };
  if (read.fault) return { argv: [], env, error: `flag provided but not defined: ${read.fault.given}` };
  const rest = read.rest;
  // Debug mode is on if -D/--debug appears anywhere, as in docker-machine.
  if (rest.some((arg) => arg === '-D' || arg === '--debug' || arg === '-debug')) env.MACHINE_DEBUG ??= 'true';
  return { argv: rest, env };
}
