import { createInterface } from 'node:readline';

/**
 * Asks a yes/no question on stdout and reads one answer from stdin. Undefined on EOF (a closed
 * or empty stdin), which callers treat as "no", as docker-machine did.
 */
export function askYesNo(question: string): Promise<boolean | undefined> {
  process.stdout.write(question);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(/^[yY]/.test(line.trim()));
    });
    rl.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}
