// Kept free of imports on purpose: bin/run.js loads it before anything else.

/**
 * Docker Machine's global options come before the command (`berth -s DIR --debug ls`). oclif has
 * no such notion, so they are taken off argv here and handed on as the environment variables
 * docker-machine itself reads for them; commands read only the environment.
 */
const VALUE_FLAGS: Record<string, string> = {
  '--storage-path': 'MACHINE_STORAGE_PATH',
  '-s': 'MACHINE_STORAGE_PATH',
  '--tls-ca-cert': 'MACHINE_TLS_CA_CERT',
  '--tls-ca-key': 'MACHINE_TLS_CA_KEY',
  '--tls-client-cert': 'MACHINE_TLS_CLIENT_CERT',
  '--tls-client-key': 'MACHINE_TLS_CLIENT_KEY',
  '--github-api-token': 'MACHINE_GITHUB_API_TOKEN',
  '--bugsnag-api-token': 'MACHINE_BUGSNAG_API_TOKEN',
};
const BOOL_FLAGS: Record<string, string> = {
  '--debug': 'MACHINE_DEBUG',
  '-D': 'MACHINE_DEBUG',
  '-debug': 'MACHINE_DEBUG',
  '--native-ssh': 'MACHINE_NATIVE_SSH',
};

export interface GlobalParse {
  argv: string[];
  env: Record<string, string>;
  error?: string;
}

export function parseGlobalFlags(argv: readonly string[]): GlobalParse {
  const env: Record<string, string> = {};
  let index = 0;
  while (index < argv.length) {
    const arg = argv[index] as string;
    if (!arg.startsWith('-') || arg === '-' || arg === '--') break;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const long = name.startsWith('--') ? name : name.length > 2 ? `-${name}` : name;
    const valueVar = VALUE_FLAGS[long] ?? VALUE_FLAGS[name];
    const boolVar = BOOL_FLAGS[name] ?? BOOL_FLAGS[long];
    if (valueVar) {
      const value = inline ?? argv[index + 1];
      if (value === undefined) return { argv: [], env, error: `flag needs an argument: ${name}` };
      env[valueVar] = value;
      index += inline === undefined ? 2 : 1;
    } else if (boolVar) {
      env[boolVar] = inline ?? 'true';
      index += 1;
    } else if (['-v', '--version', '-version'].includes(name)) {
      return { argv: ['version', ...argv.slice(index + 1)], env };
    } else if (['-h', '--help', '-help'].includes(name)) {
      return { argv: ['--help'], env };
    } else {
      return { argv: [], env, error: `flag provided but not defined: ${name}` };
    }
  }
  const rest = argv.slice(index);
  // Debug mode is on if -D/--debug appears anywhere, as in docker-machine.
  if (rest.some((arg) => arg === '-D' || arg === '--debug' || arg === '-debug')) env.MACHINE_DEBUG ??= 'true';
  return { argv: rest, env };
}
