import { shellSyntax } from './env-shell-syntax.js';

/**
 * The two comment lines that end `env` output and repeat the command line the user ran,
 * e.g. `# Run this command to configure your shell: ` (trailing space kept) and
 * `# eval $(berth env dev)`.
 */
export function envUsageHint(shell: string, programName: string, args: readonly string[]): string {
  const syntax = shellSyntax(shell);
  const line = commandLine(programName, args);
  return `${syntax.comment} Run this command to configure your shell: \n${syntax.comment} ${syntax.evalHint(line)}\n`;
}

/** The program name is double-quoted when it holds a space or a backslash; arguments are not quoted. */
export function commandLine(programName: string, args: readonly string[]): string {
  const program = programName.includes(' ') || programName.includes('\\') ? `"${programName}"` : programName;
  return [program, ...args].join(' ');
}
