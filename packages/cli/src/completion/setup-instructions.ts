import { basename } from 'node:path';
import { COMPLETION_SHELLS, type CompletionShell } from './shell-scripts.js';

/** The shell `$SHELL` names, if completion supports it. */
export function shellFromEnv(env: NodeJS.ProcessEnv): CompletionShell | undefined {
  const name = basename(env.SHELL ?? '');
  return (COMPLETION_SHELLS as readonly string[]).includes(name) ? (name as CompletionShell) : undefined;
}

/** What `berth autocomplete SHELL` prints: how to turn completion on, and what it completes. */
export function setupInstructions(shell: CompletionShell, bin: string): string {
  const tab = shell === 'bash' ? '<TAB><TAB>' : '<TAB>';
  const steps = {
    bash: [
      'Add this line to ~/.bashrc (or to ~/.bash_profile if your terminal starts login shells):',
      `    source <(${bin} autocomplete script bash)`,
    ],
    zsh: [
      'Add this line to ~/.zshrc, after `autoload -Uz compinit && compinit` if it has one:',
      `    source <(${bin} autocomplete script zsh)`,
    ],
    fish: [
      'Write the script where fish loads completions from:',
      `    ${bin} autocomplete script fish > ~/.config/fish/completions/${bin}.fish`,
    ],
  }[shell];
  const examples: Array<[string, string]> = [
    [`${bin} ${tab}`, 'commands'],
    [`${bin} rm ${tab}`, 'machine names'],
    [`${bin} create -d ${tab}`, 'drivers (built in, and berth-driver-* on PATH)'],
    [`${bin} create -d generic --${tab}`, "flags, the driver's too"],
  ];
  const width = Math.max(...examples.map(([typed]) => typed.length));
  return [
    `Shell completion for ${bin} in ${shell}`,
    '',
    `1. ${steps[0]}`,
    '',
    `   ${steps[1]}`,
    '',
    '2. Open a new shell (or run that line in this one). Then:',
    '',
    ...examples.map(([typed, what]) => `     ${typed.padEnd(width)}   ${what}`),
    '',
  ].join('\n');
}
