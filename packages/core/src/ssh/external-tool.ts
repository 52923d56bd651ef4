import { spawn } from 'node:child_process';

/** The first of `names` found on PATH (its full path), or undefined. */
export async function findTool(names: readonly string[]): Promise<string | undefined> {
  // npm's own `which`: PATH, PATHEXT on Windows and the executable bit, as a shell looks them up.
  const { default: which } = await import('which');
  for (const name of names) {
    const path = await which(name, { nothrow: true });
    if (path) return path;
  }
  return undefined;
}

export interface ToolExit {
  status: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs `file` on the terminal (stdin, stdout and stderr inherited, as docker-machine ran sshfs and
 * rsync), so its prompts, progress and errors reach the user. A Ctrl-C reaches it from the
 * terminal; `signal` (berth's own SIGTERM) ends it.
 */
export function runTool(file: string, args: readonly string[], signal?: AbortSignal): Promise<ToolExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit' });
    const stop = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    child.once('error', (error) => {
      signal?.removeEventListener('abort', stop);
      reject(error);
    });
    child.once('close', (status, exitSignal) => {
      signal?.removeEventListener('abort', stop);
      resolve({ status, signal: exitSignal });
    });
  });
}
