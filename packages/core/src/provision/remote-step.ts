import { CancelledError, isBerthError } from '@berth/driver-protocol';
import type { RunOptions, SshSession } from '@berth/driver-sdk/ssh';
import { ProvisionFailedError } from '../errors/provision-errors.js';

/** Runs one provisioning command; any failure becomes a ProvisionFailedError naming the step. */
export async function remoteStep(
  ssh: SshSession,
  step: string,
  command: string,
  options: RunOptions & { actions?: string[] } = {},
): Promise<string> {
  let result: Awaited<ReturnType<SshSession['run']>>;
  try {
    result = await ssh.run(command, options);
  } catch (error) {
    if (options.signal?.aborted) {
      throw new CancelledError(`Interrupted while ${step}`, {
        actions: ['Nothing was left half-configured in the store; run the command again when ready.'],
      });
    }
    if (isBerthError(error) && error.code !== 'Timeout') throw error;
    throw new ProvisionFailedError(
      step,
      error instanceof Error ? error.message : String(error),
      options.actions,
      error,
    );
  }
  if (result.code !== 0) {
    const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new ProvisionFailedError(step, `exit status ${result.code ?? 'none'}: ${output}`, options.actions);
  }
  return result.stdout;
}
