import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the repo's scripts, without type declarations
import { checkImports } from '../../../../scripts/lib/import-rules.mjs';

const check = checkImports as (root: string) => string[];
let root: string | undefined;

afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A throwaway monorepo: `files` maps paths under packages/ to their text. */
async function tree(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'berth-imports-'));
  await writeFile(join(root, 'package.json'), JSON.stringify({ devDependencies: { vitest: '*' } }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, 'packages', path)), { recursive: true });
    await writeFile(join(root, 'packages', path), text);
  }
  return root;
}

const manifest = (name: string, dependencies: Record<string, string> = {}) =>
  JSON.stringify({ name: `@berth/${name}`, dependencies });

describe('the import check', () => {
  it('passes this repository', () => {
    expect(check(fileURLToPath(new URL('../../../..', import.meta.url)))).toEqual([]);
  });

  it('accepts imports in the allowed direction that the package declares', async () => {
    const repo = await tree({
      'driver-x/package.json': manifest('driver-x', { '@berth/driver-sdk': '0.1.0' }),
      'driver-x/src/main.ts': "import { serve } from '@berth/driver-sdk';\nimport { join } from 'node:path';\n",
      'driver-x/test/unit/a.test.ts': "import { it } from 'vitest';\n",
    });
    expect(check(repo)).toEqual([]);
  });

  it('fails a driver that imports core, core importing the cli, and the protocol reading files', async () => {
    const repo = await tree({
      'driver-x/package.json': manifest('driver-x', { '@berth/core': '0.1.0' }),
      'driver-x/src/main.ts': "import { sshTarget } from '@berth/core/machine';\n",
      'core/package.json': manifest('core', { '@berth/cli': '0.1.0' }),
      'core/src/index.ts': "export { main } from '@berth/cli';\n",
      'driver-protocol/package.json': manifest('driver-protocol'),
      'driver-protocol/src/index.ts': "import { readFile } from 'node:fs/promises';\n",
    });
    expect(check(repo)).toEqual([
      'packages/core/src/index.ts: imports @berth/cli, which core may not import (see ARCHITECTURE.md)',
      'packages/driver-protocol/src/index.ts: imports node:fs/promises; the wire contract does no file, process or crypto work',
      'packages/driver-x/src/main.ts: imports @berth/core, which driver-x may not import (see ARCHITECTURE.md)',
    ]);
  });

  it('fails an import its package.json does not declare, and a relative import out of the package', async () => {
    const repo = await tree({
      'core/package.json': manifest('core'),
      'core/src/index.ts': "import forge from 'node-forge';\nimport { x } from '../../cli/src/x.js';\n",
      'core/test/unit/a.test.ts': "import { TestSession } from '@berth/test-kit';\n",
    });
    expect(check(repo)).toEqual([
      'packages/core/src/index.ts: imports node-forge, which packages/core/package.json does not declare in dependencies',
      'packages/core/src/index.ts: imports ../../cli/src/x.js, outside its package; import the package instead',
      'packages/core/test/unit/a.test.ts: imports @berth/test-kit, which packages/core/package.json does not declare in devDependencies',
    ]);
  });
});
