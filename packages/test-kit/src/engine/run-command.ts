import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Receives stdout/stderr as they arrive (progress of long builds). */
  onOutput?: (chunk: string) => void;
}

/** Runs a program (no shell) and collects its output; never throws for a non-zero exit. */
export function runCommand(program: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.(chunk);
    });
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  });
}

/** Like runCommand but throws, with the command and its stderr, when it fails. */
export async function mustRun(program: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await runCommand(program, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${program} ${args.join(' ')} exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(-2000)}`,
    );
  }
  return result.stdout;
}
