import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const binDir = fileURLToPath(new URL('../../../../node_modules/.bin/', import.meta.url));
const drivers = ['generic', 'none', 'virtualbox', 'hyperv', 'digitalocean', 'amazonec2', 'qemu'];

it.each(drivers)('berth-driver-%s is installed and, run by hand, explains itself and exits 1', async (name) => {
  const env = { ...process.env };
  delete env.BERTH_DRIVER_COOKIE;
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(`${binDir}berth-driver-${name}`, [], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`berth-driver-${name}`);
  expect(result.stderr).toContain('not meant to be run directly');
});
