import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  /** Kills the tool when it fires (never used for a qemu start: see driver.ts). */
  signal?: AbortSignal;
  timeoutMs: number;
  cwd?: string;
}

/**
 * Runs a host tool (qemu-img, qemu) to its end and collects its output. It runs in its own process
 * group (`detached`) so a Ctrl-C to berth's group does not reach a qemu that daemonizes from it.
 */
export function runTool(file: string, args: readonly string[], options: RunToolOptions): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    const settle = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
    };
    child.once('error', (error) => {
      settle();
      reject(error);
    });
    child.once('close', (code, signal) => {
      settle();
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The absolute path of an executable: `name` itself when it has a slash, else the first on PATH. */
export async function findExecutable(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(delimiter)
        .filter((dir) => dir)
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return isAbsolute(candidate) ? candidate : join(process.cwd(), candidate);
    } catch {
      // Not here: the next one.
    }
  }
  return undefined;
}

/** qemu-img beside a qemu given by path (a private qemu build), else the one on PATH. */
export async function findQemuImg(qemuBinary: string): Promise<string | undefined> {
  if (qemuBinary.includes('/')) {
    const sibling = await findExecutable(join(dirname(qemuBinary), 'qemu-img'));
    if (sibling) return sibling;
  }
  return findExecutable('qemu-img');
}
