import { type CommandResult, runCommand } from '@berth/test-kit';

/** Variables under which the docker CLI would not read the context store as config.json says. */
const OVERRIDES = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'];

/** Runs the real docker CLI on the config directory `configDir` (never the user's ~/.docker). */
export function dockerIn(configDir: string, args: string[]): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: configDir };
  for (const name of OVERRIDES) delete env[name];
  return runCommand('docker', args, { env, timeoutMs: 30_000 });
}

/** Like {@link dockerIn}, failing with docker's stderr on a non-zero exit. */
export async function dockerOk(configDir: string, args: string[]): Promise<string> {
  const result = await dockerIn(configDir, args);
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** `docker context inspect NAME`, parsed. */
export async function inspectContext(configDir: string, name: string): Promise<Record<string, unknown>> {
  const [context] = JSON.parse(await dockerOk(configDir, ['context', 'inspect', name])) as Record<string, unknown>[];
  if (context === undefined) throw new Error(`docker context inspect ${name} printed no context`);
  return context;
}

/** `docker context ls` as one object per context (docker's JSON lines). */
export async function listContexts(configDir: string): Promise<Array<Record<string, unknown>>> {
  const out = await dockerOk(configDir, ['context', 'ls', '--format', '{{json .}}']);
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
