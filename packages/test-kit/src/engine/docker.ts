import { type CommandResult, mustRun, type RunOptions, runCommand } from './run-command.js';

/** The Docker CLI of the machine running the tests (test infrastructure only). */
export function docker(args: string[], options: RunOptions = {}): Promise<string> {
  return mustRun('docker', args, options);
}

export function tryDocker(args: string[], options: RunOptions = {}): Promise<CommandResult> {
  return runCommand('docker', args, options);
}
