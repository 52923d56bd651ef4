import { type BerthError, isBerthError } from '@berth/driver-protocol';
import type { JournalEntry, MachineJournal } from '@berth/driver-sdk';
import { sleep } from '@berth/driver-sdk';
import type { AwsSettings, Ec2Api } from './ec2-api.js';
import type { Ec2Config } from './ec2-config.js';
import { TAG_MACHINE_ID } from './resource-tags.js';
import { waitLimitMs } from './wait.js';

// Journal kinds. A `pending:` entry is written before a call that creates something, so a call whose
// answer never arrived (interrupted, timed out) can still be traced by tag or client token.
export const KEY_PAIR = 'key-pair';
export const SECURITY_GROUP = 'security-group';
export const INSTANCE = 'instance';
export const SPOT_REQUEST = 'spot-request';
export const PENDING = 'pending:';

/** A resource that could not be removed, and how the user removes it. */
export interface LeftResource {
  description: string;
  reason: string;
  command: string;
}

export interface CleanupResult {
  /** What was removed (or found already gone), in words. */
  removed: string[];
  /** Shared security groups kept because other instances still use them. */
  kept: string[];
  left: LeftResource[];
}

export interface CleanupOptions {
  api: Ec2Api;
  config: Ec2Config;
  journal: MachineJournal;
  /** Also remove what the config names (stores written by docker-machine have no journal). */
  fromConfig: boolean;
  signal?: AbortSignal;
  progress: (line: string) => void;
  /** Called for every instance the cleanup changed (to drop cached state). */
  onInstanceChanged?: (instanceId: string) => void;
}

const GONE = new Set([
  'InvalidInstanceID.NotFound',
  'InvalidKeyPair.NotFound',
  'InvalidGroup.NotFound',
  'InvalidSpotInstanceRequestID.NotFound',
]);

const isGone = (error: unknown) => isBerthError(error) && GONE.has(String(error.data.awsCode));
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function describeEntry(entry: Pick<JournalEntry, 'kind' | 'id' | 'where'>): string {
  switch (entry.kind) {
    case KEY_PAIR:
      return `key pair "${entry.id}"`;
    case SECURITY_GROUP:
      return `security group ${entry.id}`;
    case INSTANCE:
      return `instance ${entry.id}`;
    case SPOT_REQUEST:
      return `spot request ${entry.id}`;
    default:
      return `${entry.kind} ${entry.id}`;
  }
}

/** The AWS CLI command that removes a resource left behind (with the custom endpoint, if any). */
export function removalCommand(
  entry: Pick<JournalEntry, 'kind' | 'id'>,
  settings: AwsSettings,
  machineId: string,
): string {
  const base = `aws ec2 --region ${settings.region}${settings.endpoint ? ` --endpoint-url ${settings.endpoint}` : ''}`;
  switch (entry.kind) {
    case KEY_PAIR:
      return `${base} delete-key-pair --key-name ${entry.id}`;
    case SECURITY_GROUP:
      return `${base} delete-security-group --group-id ${entry.id}`;
    case INSTANCE:
      return `${base} terminate-instances --instance-ids ${entry.id}`;
    case SPOT_REQUEST:
      return `${base} cancel-spot-instance-requests --spot-instance-request-ids ${entry.id}`;
    default:
      return `${base} describe-instances --filters Name=tag:${TAG_MACHINE_ID},Values=${machineId} (and describe-key-pairs, describe-security-groups with the same filter)`;
  }
}

/**
 * Removes everything the journal lists (and, for `rm`, what the config names): spot requests,
 * instances, then the security groups Berth made (once the instances are gone), then the key pair.
 * A resource already gone counts as removed. Each removal is written to the journal at once; what
 * cannot be removed is returned with the reason and the command that removes it.
 */
export async function removeResources(options: CleanupOptions): Promise<CleanupResult> {
  const { api, config, journal, signal, progress } = options;
  const result: CleanupResult = { removed: [], kept: [], left: [] };
  const entries = await journal.entries();
  const have = (kind: string, id: string) => entries.some((e) => e.kind === kind && e.id === id);
  const add = async (kind: string, id: string, where?: string) => {
    if (have(kind, id)) return;
    entries.push({ kind, id, ...(where ? { where } : {}), at: new Date().toISOString() });
    await journal.record(kind, id, where);
  };
  const leave = (entry: JournalEntry, error: unknown) =>
    result.left.push({
      description: describeEntry(entry),
      reason: reasonOf(error),
      command: removalCommand(entry, api.settings, config.Id),
    });
  const gone = async (entry: JournalEntry, words: string) => {
    await journal.forget(entry.kind, entry.id);
    result.removed.push(describeEntry(entry));
    progress(`${words} ${describeEntry(entry)}`);
  };

  if (options.fromConfig) {
    if (config.SpotInstanceRequestId) await add(SPOT_REQUEST, config.SpotInstanceRequestId);
    if (config.InstanceId) await add(INSTANCE, config.InstanceId);
    if (config.KeyName && !config.ExistingKey) await add(KEY_PAIR, config.KeyName);
  }

  // Calls whose answer never came: find what they made by the machine's tag or the client token.
  for (const entry of entries.filter((e) => e.kind.startsWith(PENDING))) {
    try {
      const kind = entry.kind.slice(PENDING.length);
      const byMachine = [{ Name: `tag:${TAG_MACHINE_ID}`, Values: [config.Id] }];
      if (kind === KEY_PAIR) {
        const found = await api.describeKeyPairs(
          { Filters: [...byMachine, { Name: 'key-name', Values: [entry.id] }] },
          signal,
        );
        for (const pair of found.KeyPairs ?? []) if (pair.KeyName) await add(KEY_PAIR, pair.KeyName);
      } else if (kind === SECURITY_GROUP) {
        const found = await api.describeSecurityGroups(
          { Filters: [...byMachine, { Name: 'group-name', Values: [entry.id] }] },
          signal,
        );
        for (const group of found.SecurityGroups ?? [])
          if (group.GroupId) await add(SECURITY_GROUP, group.GroupId, group.VpcId);
      } else if (kind === INSTANCE) {
        const found = await api.describeInstances({ Filters: [{ Name: 'client-token', Values: [entry.id] }] }, signal);
        for (const instance of (found.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
          if (instance.SpotInstanceRequestId) await add(SPOT_REQUEST, instance.SpotInstanceRequestId);
          if (instance.InstanceId && instance.State?.Name !== 'terminated') await add(INSTANCE, instance.InstanceId);
        }
      }
      await journal.forget(entry.kind, entry.id);
      const index = entries.indexOf(entry);
      if (index >= 0) entries.splice(index, 1);
    } catch (error) {
      leave(entry, error);
    }
  }

  const of = (kind: string) => entries.filter((e) => e.kind === kind);

  for (const entry of of(SPOT_REQUEST)) {
    try {
      await api.cancelSpotInstanceRequests({ SpotInstanceRequestIds: [entry.id] }, signal);
      await gone(entry, 'Cancelled');
    } catch (error) {
      if (isGone(error)) await gone(entry, 'Already gone:');
      else leave(entry, error);
    }
  }

  const terminated: string[] = [];
  for (const entry of of(INSTANCE)) {
    try {
      await api.terminateInstances({ InstanceIds: [entry.id] }, signal);
      options.onInstanceChanged?.(entry.id);
      terminated.push(entry.id);
      await gone(entry, 'Terminated');
    } catch (error) {
      if (isGone(error)) await gone(entry, 'Already gone:');
      else leave(entry, error);
    }
  }

  const groups = of(SECURITY_GROUP);
  const stillRunning = result.left.filter((left) => left.description.startsWith('instance '));
  if (groups.length > 0 && stillRunning.length > 0) {
    // A group cannot go while our own instance still uses it.
    const blocker = stillRunning.map((left) => left.description).join(', ');
    for (const entry of groups) leave(entry, new Error(`still used by ${blocker}, which could not be terminated`));
  } else if (groups.length > 0) {
    const deadline = Date.now() + waitLimitMs();
    if (terminated.length > 0) await waitTerminated(api, terminated, deadline, signal);
    const own = new Set(of(INSTANCE).map((entry) => entry.id));
    for (const entry of groups) {
      try {
        const outcome = await deleteGroup(api, entry.id, own, deadline, signal);
        if (outcome.users.length > 0) {
          await journal.forget(entry.kind, entry.id);
          const line = `${describeEntry(entry)} (still used by ${outcome.users.join(', ')})`;
          result.kept.push(line);
          progress(`Kept ${line}`);
        } else {
          await gone(entry, outcome.existed ? 'Deleted' : 'Already gone:');
        }
      } catch (error) {
        leave(entry, error);
      }
    }
  }

  for (const entry of of(KEY_PAIR)) {
    try {
      await api.deleteKeyPair({ KeyName: entry.id }, signal);
      await gone(entry, 'Deleted');
    } catch (error) {
      if (isGone(error)) await gone(entry, 'Already gone:');
      else leave(entry, error);
    }
  }
  return result;
}

/** Waits (bounded) until the instances are terminated: a security group cannot go before them. */
async function waitTerminated(api: Ec2Api, ids: string[], deadline: number, signal?: AbortSignal): Promise<void> {
  let delay = 500;
  while (Date.now() < deadline) {
    const found = await api.describeInstances({ Filters: [{ Name: 'instance-id', Values: ids }] }, signal);
    const alive = (found.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .filter((instance) => instance.State?.Name !== 'terminated');
    if (alive.length === 0) return;
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 5_000);
  }
}

/**
 * Deletes a security group Berth made. If other instances use it (another machine shares
 * `docker-machine`), it stays and those instances are named; the last machine removes it.
 */
async function deleteGroup(
  api: Ec2Api,
  groupId: string,
  own: ReadonlySet<string>,
  deadline: number,
  signal?: AbortSignal,
): Promise<{ existed: boolean; users: string[] }> {
  let delay = 1_000;
  for (;;) {
    try {
      await api.deleteSecurityGroup({ GroupId: groupId }, signal);
      return { existed: true, users: [] };
    } catch (error) {
      if (isGone(error)) return { existed: false, users: [] };
      if (!isBerthError(error) || error.data.awsCode !== 'DependencyViolation') throw error;
      const found = await api.describeInstances(
        {
          Filters: [
            { Name: 'instance.group-id', Values: [groupId] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
        },
        signal,
      );
      const users = (found.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .filter((instance) => instance.InstanceId && !own.has(instance.InstanceId))
        .map((instance) => {
          const name = instance.Tags?.find((tag) => tag.Key === 'Name')?.Value;
          return name ? `${instance.InstanceId} (${name})` : (instance.InstanceId as string);
        });
      if (users.length > 0) return { existed: true, users };
      // Only our own instance, still shutting down (or EC2 being eventually consistent): wait.
      if (Date.now() >= deadline) throw error as BerthError;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

/** The lines that tell the user what a cleanup did (for an error's actions). */
export function cleanupReport(result: CleanupResult): string[] {
  const lines: string[] = [];
  if (result.removed.length > 0) lines.push(`Berth removed what it had created in EC2: ${result.removed.join(', ')}.`);
  if (result.kept.length > 0) lines.push(`Kept shared ${result.kept.join('; ')}.`);
  for (const left of result.left) {
    lines.push(`Left behind: ${left.description} (${left.reason}). Remove it with: ${left.command}`);
  }
  return lines;
}
