import { readFileSync } from 'node:fs';
import { dockerMachineFixture } from '@berth/test-kit';

/** Exact stdout of a recorded docker-machine command. */
export function fixtureStdout(slug: string): string {
  return readFileSync(dockerMachineFixture('outputs', `${slug}.stdout`), 'utf8');
}

/** Exact stderr of a recorded docker-machine command. */
export function fixtureStderr(slug: string): string {
  return readFileSync(dockerMachineFixture('outputs', `${slug}.stderr`), 'utf8');
}

/** A file from the recorded store, e.g. `machines/dm-generic/config.json`. */
export function fixtureStoreFile(path: string): string {
  return readFileSync(dockerMachineFixture('store', path), 'utf8');
}
