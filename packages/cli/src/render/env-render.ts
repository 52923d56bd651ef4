import type { NoProxySetting } from './env-no-proxy.js';
import { shellSyntax } from './env-shell-syntax.js';
import { envUsageHint } from './env-usage-hint.js';

/** What `env` prints for a machine, in the shell's syntax, ending with the usage hint. */
export interface EnvSetInput {
  readonly shell: string;
  readonly dockerHost: string;
  /** `<store>/machines/<name>`. */
  readonly certPath: string;
  readonly machineName: string;
  /** Set with `--no-proxy` (see noProxyWithMachine). */
  readonly noProxy?: NoProxySetting;
  /** docker-machine added COMPOSE_CONVERT_WINDOWS_PATHS=true when running on Windows. */
  readonly composeConvertWindowsPaths?: boolean;
  /** The binary name the user typed (`berth`); echoed in the hint. */
  readonly programName: string;
  /** The arguments after the program name, echoed in the hint. */
  readonly args: readonly string[];
}

export function renderEnvSet(input: EnvSetInput): string {
  const syntax = shellSyntax(input.shell);
  let out = syntax.set('DOCKER_TLS_VERIFY', '1');
  out += syntax.set('DOCKER_HOST', input.dockerHost);
  out += syntax.set('DOCKER_CERT_PATH', input.certPath);
  out += syntax.set('DOCKER_MACHINE_NAME', input.machineName);
  if (input.composeConvertWindowsPaths) out += syntax.set('COMPOSE_CONVERT_WINDOWS_PATHS', 'true');
  if (input.noProxy !== undefined) out += syntax.set(input.noProxy.name, input.noProxy.value);
  return out + envUsageHint(input.shell, input.programName, input.args);
}

export interface EnvUnsetInput {
  readonly shell: string;
  /** With `--no-proxy`: the proxy variable to clear (see currentNoProxy). */
  readonly noProxyName?: string;
  readonly programName: string;
  readonly args: readonly string[];
}

/**
 * `env --unset`. Deliberate fix: with `--no-proxy`, docker-machine glued the variable's
 * current value onto the line (`unset NO_PROXY192.168.99.100`); Berth clears the variable.
 */
export function renderEnvUnset(input: EnvUnsetInput): string {
  const syntax = shellSyntax(input.shell);
  let out = '';
  for (const name of ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME']) {
    out += syntax.unset(name);
  }
  if (input.noProxyName !== undefined) out += syntax.unset(input.noProxyName);
  return out + envUsageHint(input.shell, input.programName, input.args);
}
