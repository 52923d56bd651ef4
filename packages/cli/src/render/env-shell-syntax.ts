/**
 * How each shell sets and clears a variable, and how its usage hint runs a command.
 * bash, zsh, sh and any unknown shell name use the POSIX form.
 */
export interface ShellSyntax {
  /** One line, newline included. Values are written as given, without escaping, as docker-machine did. */
  set(name: string, value: string): string;
  unset(name: string): string;
  /** The comment leader of the usage hint. */
  readonly comment: string;
  /** The hint's command that evaluates `commandLine`'s output in this shell. */
  evalHint(commandLine: string): string;
}

const POSIX: ShellSyntax = {
  set: (name, value) => `export ${name}="${value}"\n`,
  unset: (name) => `unset ${name}\n`,
  comment: '#',
  evalHint: (cmd) => `eval $(${cmd})`,
};

const SHELLS: Readonly<Record<string, ShellSyntax>> = {
  fish: {
    set: (name, value) => `set -gx ${name} "${value}";\n`,
    unset: (name) => `set -e ${name};\n`,
    comment: '#',
    evalHint: (cmd) => `eval (${cmd})`,
  },
  powershell: {
    set: (name, value) => `$Env:${name} = "${value}"\n`,
    // Deliberate fix: docker-machine printed `Remove-Item Env:\\NAME` (two backslashes, an
    // upstream quoting bug). PowerShell's drive path is `Env:\NAME`.
    unset: (name) => `Remove-Item Env:\\${name}\n`,
    comment: '#',
    evalHint: (cmd) => `& ${cmd} | Invoke-Expression`,
  },
  cmd: {
    set: (name, value) => `SET ${name}=${value}\n`,
    unset: (name) => `SET ${name}=\n`,
    comment: 'REM',
    evalHint: (cmd) => `\t@FOR /f "tokens=*" %i IN ('${cmd}') DO @%i`,
  },
  tcsh: {
    set: (name, value) => `setenv ${name} "${value}";\n`,
    unset: (name) => `unsetenv ${name};\n`,
    comment: ':',
    evalHint: (cmd) => `eval \`${cmd}\``,
  },
  emacs: {
    set: (name, value) => `(setenv "${name}" "${value}")\n`,
    unset: (name) => `(setenv "${name}" nil)\n`,
    comment: ';;',
    evalHint: (cmd) => `(with-temp-buffer (shell-command "${cmd}" (current-buffer)) (eval-buffer))`,
  },
};

export function shellSyntax(shell: string): ShellSyntax {
  return Object.hasOwn(SHELLS, shell) ? (SHELLS[shell] ?? POSIX) : POSIX;
}
