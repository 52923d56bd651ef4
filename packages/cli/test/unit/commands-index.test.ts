import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands-index.js';

it('lists every file of src/commands under its id, so none is missing from the bundle', async () => {
  const dir = fileURLToPath(new URL('../../src/commands/', import.meta.url));
  const files = (await readdir(dir)).filter((name) => name.endsWith('.ts')).map((name) => name.slice(0, -3));
  expect(Object.keys(COMMANDS).sort()).toEqual(files.sort());
  for (const [id, command] of Object.entries(COMMANDS)) {
    expect(typeof command.prototype.run, id).toBe('function');
  }
});
