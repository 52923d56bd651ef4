import { UNKNOWN_SHELL_ERROR, UNKNOWN_SHELL_NOTICE, WINDOWS_SHELL_NOTICE } from './env-messages.js';

/**
 * Which shell `env` writes for when `--shell` is not given. Pure: the caller passes the
 * platform, the environment and the names of the parent and grandparent processes
 * (undefined when they could not be read).
 */
export interface ShellDetectInput {
  readonly platform: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly ancestorProcessNames?: readonly string[];
}

const UNIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'fish', 'tcsh', 'csh']);

export type ShellDetection =
  | { readonly ok: true; readonly shell: string; readonly notice?: string }
  | { readonly ok: false; readonly notice: string; readonly error: string };

export function detectShell(input: ShellDetectInput): ShellDetection {
  const shellPath = input.env.SHELL ?? '';
  if (input.platform !== 'win32') {
    if (shellPath !== '') return { ok: true, shell: baseName(shellPath, '/') };
    // Deliberate fix: docker-machine failed with "Unknown shell" whenever SHELL was unset, which
    // broke `eval $(docker-machine env)` under cron and CI runners. The shell that runs us is
    // our parent (or its parent, behind a wrapper script); only when neither is one do we fail.
    const parentShell = input.ancestorProcessNames?.slice(0, 2).find((name) => UNIX_SHELLS.has(name));
    if (parentShell !== undefined) return { ok: true, shell: parentShell };
    return { ok: false, notice: UNKNOWN_SHELL_NOTICE, error: UNKNOWN_SHELL_ERROR };
  }
  if (shellPath !== '') {
    if ((input.env.__fish_bin_dir ?? '') !== '') return { ok: true, shell: 'fish' };
    return { ok: true, shell: baseName(shellPath, '/\\') };
  }
  if (input.ancestorProcessNames === undefined) return { ok: true, shell: 'cmd' };
  for (const name of input.ancestorProcessNames.slice(0, 2)) {
    const lower = name.toLowerCase();
    if (lower.includes('powershell')) return { ok: true, shell: 'powershell' };
    if (lower.includes('cmd')) return { ok: true, shell: 'cmd' };
  }
  return { ok: true, shell: 'cmd', notice: WINDOWS_SHELL_NOTICE };
}

/** Go's filepath.Base: the last element, trailing separators ignored. */
function baseName(path: string, separators: string): string {
  let end = path.length;
  while (end > 1 && separators.includes(path[end - 1] ?? '')) end--;
  const trimmed = path.slice(0, end);
  let start = trimmed.length;
  while (start > 0 && !separators.includes(trimmed[start - 1] ?? '')) start--;
  return trimmed.slice(start) || (trimmed === '' ? '.' : trimmed);
}
