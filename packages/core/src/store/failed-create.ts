import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { errnoCode } from './fs-error.js';
import { machineDir, type Store } from './store-layout.js';

/**
 * A machine whose create failed and whose rollback could not remove what the driver made. Kept in
 * a file of its own beside config.json (docker-machine ignores unknown files in a machine
 * directory), so the entry stays readable by both tools while `ls` can say what happened.
 */
export const FAILED_CREATE_FILE = 'create-failed.json';

export interface FailedCreate {
  /** The create error's message, one line. */
  error: string;
  /** Its stable code (`Internal` when it was not a Berth error). */
  code: string;
  /** ISO time of the failure. */
  at: string;
}

export async function markCreateFailed(store: Store, name: string, failure: FailedCreate): Promise<void> {
  const path = join(machineDir(store, name), FAILED_CREATE_FILE);
  await writeFileAtomic({ path, data: `${JSON.stringify(failure, null, 2)}\n`, mode: 0o600 });
}

/** The failed-create mark of `dir`, or undefined for a machine whose create completed. */
export async function readCreateFailure(dir: string): Promise<FailedCreate | undefined> {
  let text: string;
  try {
    // Sync, as the store's other reads (load-machine.ts): `ls` looks for one per machine.
    text = readFileSync(join(dir, FAILED_CREATE_FILE), 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<FailedCreate>;
    return { error: String(parsed.error ?? ''), code: String(parsed.code ?? 'Internal'), at: String(parsed.at ?? '') };
  } catch {
    // A torn or hand-edited mark still means the create failed.
    return { error: 'create failed', code: 'Internal', at: '' };
  }
}
