// How powershell.exe reads its command line (the switches docker-machine and Berth's driver pass).
/** powershell.exe's own switches before the command (case-insensitive, as PowerShell takes them). */
const SWITCHES = new Set(['-noprofile', '-noninteractive', '-nologo', '-noexit']);

/** Session mode, or the script's pieces (joined by single spaces, reference §1.2). */
export type Invocation = { mode: 'session' } | { mode: 'script'; pieces: string[] };

/** `-Command -` reads statements from stdin; anything else is a command given as arguments. */
export function invocationOf(argv: readonly string[]): Invocation {
  let index = 0;
  while (index < argv.length && SWITCHES.has((argv[index] as string).toLowerCase())) index += 1;
  const next = argv[index]?.toLowerCase();
  if ((next === '-command' || next === '-c') && argv[index + 1] === '-' && argv.length === index + 2) {
    return { mode: 'session' };
  }
  const command = next === '-command' || next === '-c' ? index + 1 : index;
  return { mode: 'script', pieces: argv.slice(command) };
}
