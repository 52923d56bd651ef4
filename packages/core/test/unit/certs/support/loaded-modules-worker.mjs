// Reports which CommonJS packages are loaded after importing the entry points, and after first use.

import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache);

const certs = await import('../../../../src/certs/index.js');
const store = await import('../../../../src/store/index.js');
const before = loaded();

const dir = await mkdtemp(join(tmpdir(), 'berth-lazy-'));
await store.withCaLock(dir, async () => undefined);
const afterLock = loaded();
await certs.ensureCaAndClientCert(dir, { org: 'lazy' });
const afterIssue = loaded();
await rm(dir, { recursive: true, force: true });

process.stdout.write(JSON.stringify({ before, afterLock, afterIssue }));
