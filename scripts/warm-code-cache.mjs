// Makes dist/bundle/quick.cjs.cache (see packages/cli/bin/code-cache.cjs): marks quick.cjs with a
// build ID, then runs berth once on a throwaway store with a `none` machine, so the cache holds
// the functions a quick command compiles, not only the top level.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** @param {string} cli the cli package's directory, ending in a slash */
export function warmCodeCache(cli) {
  const quick = `${cli}dist/bundle/quick.cjs`;
  const source = readFileSync(quick, 'utf8').replace(/\n?$/, '\n');
  const buildId = createHash('sha256').update(source).digest('hex').slice(0, 16);
  writeFileSync(quick, `${source}//# berthBuild=${buildId}\n`);
  rmSync(`${quick}.cache`, { force: true });

  const home = mkdtempSync(path.join(tmpdir(), 'berth-warm-'));
  const env = { ...process.env, DOCKER_CONFIG: path.join(home, 'docker'), BERTH_CODE_CACHE: 'off' };
  const berth = (args, extra = {}) =>
    execFileSync(process.execPath, [`${cli}bin/run.cjs`, '-s', path.join(home, 'store'), ...args], {
      env: { ...env, ...extra },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  try {
    berth(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:1', 'warm']);
    berth(['ls'], { BERTH_CODE_CACHE: 'write' });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
