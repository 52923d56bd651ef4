import { fixtureOutput } from '../../store/support/fixture-store.js';

/**
 * What docker-machine 0.16's `--debug create` of a generic Debian 12 host logged as the output of
 * the first SSH command that starts with `commandStart` (the log prints each command, then
 * `SSH cmd err, output: <nil>: ` and the output, then a blank line).
 */
export async function dmSshOutput(commandStart: string): Promise<string> {
  const log = await fixtureOutput('create-generic-debug.stderr');
  const command = log.indexOf(`About to run SSH command:\n${commandStart}`);
  if (command < 0) throw new Error(`the debug log runs no command starting with ${commandStart}`);
  const marker = 'SSH cmd err, output: <nil>: ';
  const start = log.indexOf(marker, command) + marker.length;
  return log.slice(start, log.indexOf('\n\n', start) + 1);
}
