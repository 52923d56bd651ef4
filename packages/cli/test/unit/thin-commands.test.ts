import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Commands parse, call core, render: a driver request written in the CLI would bypass core's
// operations (their timeouts, redaction and error handling), so none may appear in its sources.
const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const DRIVER_REQUEST =
  /\.(?:getUrl|getIp|getState|getSshHostname|getSshPort|getSshUsername|getSshKeyPath|setConfigFromFlags|preCreateCheck)\(|\bmachineParams\(|\bdriver\.(?:create|remove|start|stop|restart|kill|upgrade)\(|\.description\.createFlags/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the CLI', () => {
  it('makes no driver request itself: every one goes through a core operation', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(30);
    const offending = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          DRIVER_REQUEST.test(line) ? [`${relative(SRC, file)}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(offending).toEqual([]);
  });

  it('would notice one', () => {
    expect(DRIVER_REQUEST.test('const { url } = await driver.getUrl(machineParams(ctx.store, record));')).toBe(true);
    expect(DRIVER_REQUEST.test('const specs = (await ctx.drivers.get(name)).description.createFlags;')).toBe(true);
    expect(DRIVER_REQUEST.test('const url = await machineUrl(ctx, name);')).toBe(false);
  });
});
