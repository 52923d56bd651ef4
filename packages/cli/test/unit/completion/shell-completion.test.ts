import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthOnPath, runBerthOk, runCommand } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Shell completion through the real shells: bash runs the completion function with the
 * COMP_WORDS/COMP_LINE bash gives it, fish answers `complete -C`, and zsh is typed at over a
 * pseudo-terminal (zsh's zpty) with a real TAB. Each calls the built `berth __complete`, which
 * reads real stores made by `berth create -d none`.
 */
describe('shell completion', () => {
  let work: string;
  let store: string;
  let otherStore: string;
  let bin: string;
  let env: NodeJS.ProcessEnv;
  const scripts: Record<'bash' | 'zsh' | 'fish', string> = { bash: '', zsh: '', fish: '' };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-completion-'));
    store = join(work, 'store');
    otherStore = join(work, 'other-store');
    bin = await berthOnPath(await mkdtemp(join(tmpdir(), 'berth-bin-')));
    await Promise.all([
      ...['web', 'web2', 'db'].map((name) =>
        runBerthOk(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:2376', name], { store }),
      ),
      runBerthOk(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:2376', 'elsewhere'], { store: otherStore }),
    ]);
    // A third-party driver on PATH: completion lists it (it is never started).
    const drivers = join(work, 'drivers');
    await mkdir(drivers);
    await writeFile(join(drivers, 'berth-driver-acme'), '#!/bin/sh\nexit 1\n');
    await chmod(join(drivers, 'berth-driver-acme'), 0o755);
    env = { ...process.env, MACHINE_STORAGE_PATH: store, PATH: `${bin}:${drivers}:${process.env.PATH ?? ''}` };
    for (const shell of ['bash', 'zsh', 'fish'] as const) {
      scripts[shell] = join(work, `berth.${shell}`);
      const script = await runBerthOk(['autocomplete', 'script', shell], { store });
      await writeFile(scripts[shell], script.stdout);
    }
  });

  afterAll(async () => {
    for (const dir of [work, bin]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** COMPREPLY for each case: COMP_WORDS as bash splits the line (at blanks, `=` and `:`). */
  async function bashCompletions(cases: ReadonlyArray<readonly string[]>): Promise<string[][]> {
    const lines = [`source ${scripts.bash}`];
    for (const words of cases) {
      const quoted = words.map((word) => `'${word}'`).join(' ');
      lines.push(
        `COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}`,
        // bash's COMP_LINE keeps what was typed: `=` and `:` are not surrounded by blanks.
        `COMP_LINE=${JSON.stringify(bashLine(words))}; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()`,
        '_berth_complete 2>/dev/null',
        `printf '%s\\n' "\${COMPREPLY[*]}"`,
      );
    }
    const run = await runCommand('bash', ['--norc', '-c', lines.join('\n')], { env });
    expect(run.code, run.stderr).toBe(0);
    return run.stdout
      .split('\n')
      .slice(0, cases.length)
      .map((line) => line.split(' ').filter(Boolean));
  }

  it('bash completes commands, machine names, drivers, flags and their values', async () => {
    const [commands, rmAll, rmMore, drivers, driverValue, driverFlags, swarmMode, swarmJoin, shells, other, ssh, scp] =
      await bashCompletions([
        ['berth', ''],
        ['berth', 'rm', ''],
        ['berth', 'rm', 'web', ''],
        ['berth', 'create', '-d', ''],
        ['berth', 'create', '--driver', '=', 'ge'],
        ['berth', 'create', '-d', 'generic', '--generic-ssh-'],
        ['berth', 'create', '--swarm-mode', ''],
        ['berth', 'create', '--swarm-mode', 'worker', '--swarm-join', 'w'],
        ['berth', 'autocomplete', ''],
        ['berth', '-s', otherStore, 'stop', ''],
        ['berth', 'ssh', 'web', ''],
        ['berth', 'scp', 'w'],
      ]);
    expect(commands).toEqual(
      expect.arrayContaining(['active', 'autocomplete', 'create', 'ls', 'rm', 'ssh', 'version']),
    );
    expect(commands).not.toContain('__complete');
    expect(rmAll).toEqual(['db', 'web', 'web2']);
    expect(rmMore).toEqual(['db', 'web2']);
    expect(drivers).toEqual(expect.arrayContaining(['acme', 'generic', 'none', 'qemu', 'virtualbox']));
    expect(driverValue).toEqual(['generic']);
    expect(driverFlags).toEqual(['--generic-ssh-key', '--generic-ssh-port', '--generic-ssh-user']);
    expect(swarmMode).toEqual(['manager', 'worker']);
    expect(swarmJoin).toEqual(['web', 'web2']);
    expect(shells).toEqual(['script', 'bash', 'zsh', 'fish']);
    expect(other).toEqual(['elsewhere']);
    // The remote command: nothing from berth, so bash falls back to file names (-o default).
    expect(ssh).toEqual([]);
    expect(scp).toEqual(['web:', 'web2:']);
  });

  it('fish completes through its own completion engine, with descriptions', async () => {
    const asked = ['berth rm w', 'berth create --driver=q', 'berth st'];
    const script = [`source ${scripts.fish}`, ...asked.map((line) => `complete -C ${JSON.stringify(line)}; echo ===`)];
    const run = await runCommand('fish', ['--no-config', '-c', script.join('\n')], { env });
    expect(run.code, run.stderr).toBe(0);
    const [machines, driver, commands] = run.stdout.split('===\n').map((part) => part.trim().split('\n'));
    expect(machines).toEqual(['web\tmachine', 'web2\tmachine']);
    expect(driver).toEqual(['--driver=qemu\tbuilt-in driver']);
    expect(commands).toEqual(['start\tStart a machine', 'status\tGet the status of a machine', 'stop\tStop a machine']);
  });

  it('zsh lists machine names and completes a flag value when TAB is pressed at its prompt', async () => {
    const harness = join(work, 'type-tab.zsh');
    await writeFile(harness, ZSH_HARNESS);
    const run = await runCommand('zsh', ['-f', harness, scripts.zsh, 'berth rm ', 'berth create --driver=q'], {
      env,
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal escapes zsh draws with
    const screen = run.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\r\x07\x08]/g, '');
    const [rmScreen, driverScreen] = screen.split('=== ').slice(1);
    expect(rmScreen).toMatch(/\bweb2\s+web\s+db\s+-- machine/);
    expect(driverScreen).toContain('berth create --driver=qemu ');
  });

  it('prints setup instructions and scripts that each shell accepts', async () => {
    const bash = await runBerthOk(['autocomplete', 'bash'], { store });
    expect(bash.stdout).toContain('source <(berth autocomplete script bash)');
    const fromShell = await runBerthOk(['autocomplete'], { store, env: { SHELL: '/usr/bin/fish' } });
    expect(fromShell.stdout).toContain('berth autocomplete script fish > ~/.config/fish/completions/berth.fish');
    expect((await runBerthOk(['autocomplete', 'zsh'], { store })).stdout).toContain('autoload -Uz compinit');
    for (const [shell, args] of [
      ['bash', ['-n', scripts.bash]],
      ['zsh', ['-n', scripts.zsh]],
      ['fish', ['--no-execute', scripts.fish]],
    ] as const) {
      const check = await runCommand(shell, [...args], { env });
      expect(check.code, `${shell}: ${check.stderr}`).toBe(0);
    }
  });
});

/** The line bash would have: words joined by blanks, except around the `=` and `:` it split at. */
function bashLine(words: readonly string[]): string {
  let line = '';
  words.forEach((word, index) => {
    const glued = word === '=' || word === ':' || words[index - 1] === '=' || words[index - 1] === ':';
    line += index === 0 || glued ? word : ` ${word}`;
  });
  return line;
}

// Types each line and a TAB in a fresh interactive zsh on a pseudo-terminal and prints the screen.
const ZSH_HARNESS = `zmodload zsh/zpty
script=$1; shift
for typed in "$@"; do
  zpty z 'zsh -f -i'
  zpty -w z "PS1='%% '; autoload -Uz compinit; compinit -u -D; source \${(q)script}; print COMPLETION''READY"
  out=''
  integer waited=0
  while [[ $out != *COMPLETIONREADY* ]] && (( waited < 200 )); do
    zpty -r -t z chunk && out+=$chunk || { sleep 0.1; (( waited++ )) }
  done
  sleep 0.3
  while zpty -r -t z chunk; do :; done
  zpty -w -n z "$typed"$'\\t'
  out=''
  integer quiet=0
  while (( quiet < 12 )); do
    if zpty -r -t z chunk; then out+=$chunk; quiet=0; else sleep 0.1; (( quiet++ )); fi
  done
  print -r -- "=== $typed"
  print -r -- "$out"
  zpty -d z
done
`;
