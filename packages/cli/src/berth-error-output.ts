import type { BerthError } from '@berth/driver-protocol';

/**
 * How berth shows one of its own errors, whichever path ran the command (oclif's or the quick
 * path): the message with the command's prefix, then each thing to do, indented; the stack only
 * in debug mode.
 */
export function writeBerthError(error: BerthError<string>, prefix: string, debug: boolean): void {
  process.stderr.write(`${prefix}${error.message}\n`);
  for (const action of error.actions) process.stderr.write(`  ${action}\n`);
  if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
}

/** docker-machine's prefix for a certificate problem that `env` or `config` found. */
export function connectionErrorPrefix(command: 'env' | 'config', error: { code: string }): string {
  if (error.code !== 'CertificateError') return '';
  return command === 'env' ? 'Error checking TLS connection: ' : 'Error running connection boilerplate: ';
}

/** Exit status for a Berth error: its own if it has one, else 1 (as docker-machine). */
export function berthExitCode(error: Error & { exitCode?: number }): number {
  return error.exitCode || 1;
}
