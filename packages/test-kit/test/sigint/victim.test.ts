// Not part of the suite: the SIGINT e2e test runs this file in its own vitest process and
// interrupts it mid-test, then checks that nothing it started is left.
import { writeFile } from 'node:fs/promises';
import { TestSession } from '@berth/test-kit';
import { it } from 'vitest';

it('starts a host and waits to be interrupted', async () => {
  const session = await TestSession.create();
  await session.startHost();
  await writeFile(process.env.BERTH_VICTIM_MARKER ?? '/dev/null', session.runId);
  await new Promise((r) => setTimeout(r, 600_000));
}, 900_000);
