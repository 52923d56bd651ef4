import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotTree } from '@berth/test-kit';
import { afterEach, beforeEach, expect, it } from 'vitest';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-snapshot-'));
  await mkdir(join(root, 'machines', 'web'), { recursive: true });
  // Modes set explicitly: whatever the umask, they are what the snapshot should show.
  await chmod(root, 0o700);
  await chmod(join(root, 'machines'), 0o755);
  await chmod(join(root, 'machines', 'web'), 0o700);
  await writeFile(join(root, 'machines', 'web', 'config.json'), '{}', { mode: 0o600 });
  await writeFile(join(root, 'machines', 'web', 'cert.pem'), 'cert', { mode: 0o644 });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const SHA_OF_EMPTY_OBJECT = '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

it('records every directory and file by its path under the root, with its mode and content hash', async () => {
  expect(await snapshotTree(root)).toEqual({
    '/': '0700',
    '/machines/': '0755',
    '/machines/web/': '0700',
    '/machines/web/cert.pem': expect.stringMatching(/^0644 [0-9a-f]{64}$/),
    '/machines/web/config.json': `0600 ${SHA_OF_EMPTY_OBJECT}`,
  });
});

it('sees changed bytes, a changed mode, a new file, a removed file and a new empty directory', async () => {
  const before = await snapshotTree(root);
  const config = join(root, 'machines', 'web', 'config.json');
  await writeFile(config, '{ }');
  expect(await snapshotTree(root)).not.toEqual(before);
  await writeFile(config, '{}');
  expect(await snapshotTree(root)).toEqual(before);
  await chmod(config, 0o644);
  expect(await snapshotTree(root)).not.toEqual(before);
  await chmod(config, 0o600);
  await writeFile(join(root, 'machines', 'web', 'known_hosts'), '');
  expect(Object.keys(await snapshotTree(root)).filter((key) => !(key in before))).toEqual([
    '/machines/web/known_hosts',
  ]);
  await rm(join(root, 'machines', 'web', 'known_hosts'));
  await rm(join(root, 'machines', 'web', 'cert.pem'));
  const removed = await snapshotTree(root);
  expect(Object.keys(before).filter((key) => !(key in removed))).toEqual(['/machines/web/cert.pem']);
  await mkdir(join(root, 'machines', 'web', 'cert.pem'));
  await chmod(join(root, 'machines', 'web', 'cert.pem'), 0o750);
  expect((await snapshotTree(root))['/machines/web/cert.pem/']).toBe('0750');
});

it('leaves directories out when told (a lock directory may come and go beside the files)', async () => {
  const before = await snapshotTree(root, { directories: false });
  expect(Object.keys(before)).toEqual(['/machines/web/cert.pem', '/machines/web/config.json']);
  await mkdir(join(root, 'machines', 'web.lock'));
  expect(await snapshotTree(root, { directories: false })).toEqual(before);
});

it('counts a file rewritten with the same bytes as changed only with mtimes', async () => {
  const config = join(root, 'machines', 'web', 'config.json');
  await utimes(config, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
  const before = await snapshotTree(root);
  const stamped = await snapshotTree(root, { mtimes: true });
  expect(stamped['/machines/web/config.json']).toBe(`0600 ${SHA_OF_EMPTY_OBJECT} mtime=${Date.parse('2020-01-01')}`);
  await writeFile(config, '{}');
  expect(await snapshotTree(root)).toEqual(before);
  expect(await snapshotTree(root, { mtimes: true })).not.toEqual(stamped);
});

it('records a symbolic link as its target, without following it', async () => {
  await symlink('/etc/hostname', join(root, 'link'));
  expect((await snapshotTree(root))['/link']).toBe('link -> /etc/hostname');
});

it('is empty for a root that does not exist', async () => {
  expect(await snapshotTree(join(root, 'no', 'such'))).toEqual({});
});
