#!/usr/bin/env node
// `npm run check:imports`: fails when an import runs the wrong way or a package imports what its
// package.json does not declare. Run in CI by scripts/test.sh.
import { fileURLToPath } from 'node:url';
import { checkImports } from './lib/import-rules.mjs';

const problems = checkImports(fileURLToPath(new URL('..', import.meta.url)));
for (const line of problems) process.stderr.write(`${line}\n`);
if (problems.length > 0) {
  process.stderr.write(`\n${problems.length} import problem(s). Fix the import or declare the package.\n`);
  process.exit(1);
}
process.stdout.write('imports: every package imports only what it declares, in the allowed direction\n');
