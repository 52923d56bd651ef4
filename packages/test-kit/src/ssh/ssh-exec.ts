import ssh2 from 'ssh2';
import type { CommandResult } from '../engine/run-command.js';

export interface SshTarget {
  address: string;
  port: number;
  user: string;
  privateKey: string;
}

export interface SshExecOptions {
  input?: string | Buffer;
  timeoutMs?: number;
}

/** Opens one connection, runs one command, closes. Test-kit only: Berth has its own SSH layer. */
export function sshExec(target: SshTarget, command: string, options: SshExecOptions = {}): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const finish = (error: Error | undefined, result?: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end();
      if (error) reject(error);
      else if (result) resolve(result);
    };
    const timer = setTimeout(
      () => finish(new Error(`ssh ${target.user}@${target.address}: "${command}" took over ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.on('error', (error) => finish(error));
    client.on('ready', () => {
      client.exec(command, (error, channel) => {
        if (error) return finish(error);
        let stdout = '';
        let stderr = '';
        let code = -1;
        channel.setEncoding('utf8');
        channel.on('data', (chunk: string) => {
          stdout += chunk;
        });
        channel.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
        });
        channel.on('exit', (exitCode: number | null) => {
          code = exitCode ?? -1;
        });
        channel.on('close', () => finish(undefined, { code, stdout, stderr }));
        channel.end(options.input);
      });
    });
    client.connect({
      host: target.address,
      port: target.port,
      username: target.user,
      privateKey: target.privateKey,
      readyTimeout: Math.min(timeoutMs, 20_000),
    });
  });
}

/** Polls until a login succeeds (sshd up and the key accepted). */
export async function waitForSsh(target: SshTarget, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await sshExec(target, 'true', { timeoutMs: 10_000 });
      if (result.code === 0) return;
      last = new Error(`exit ${result.code}: ${result.stderr}`);
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `SSH on ${target.user}@${target.address}:${target.port} did not answer within ${timeoutMs} ms: ${String(last)}`,
  );
}
