import { keyValueLines } from './key-value-lines.js';

/** A VM of `VBoxManage list vms`. */
export interface ListedVm {
  name: string;
  uuid: string;
}

const VM_LINE = /^"(.*)" \{([0-9a-fA-F-]+)\}\s*$/;

/** `"<name>" {<uuid>}` a line. */
export function parseListVms(text: string): ListedVm[] {
  const vms: ListedVm[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = VM_LINE.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) vms.push({ name: match[1], uuid: match[2] });
  }
  return vms;
}

/** A VM of `VBoxManage list vms --long`, with its state in `showvminfo --machinereadable`'s words. */
export interface LongListedVm extends ListedVm {
  /** `running`, `poweroff`, `saved`, `paused`, `aborted`, ... ('' when not shown). */
  state: string;
}

/** `State:` texts of the long listing, and the VMState names they stand for. */
const STATE_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/^powered off\b/, 'poweroff'],
  [/^aborted-saved\b/, 'aborted-saved'],
  [/^saved\b/, 'saved'],
  [/^aborted\b/, 'aborted'],
  [/^running\b/, 'running'],
  [/^paused\b/, 'paused'],
  [/^guru meditation\b/, 'gurumeditation'],
  [/^starting\b/, 'starting'],
  [/^stopping\b/, 'stopping'],
  [/^saving\b/, 'saving'],
  [/^restoring\b/, 'restoring'],
];

export function stateFromLongText(text: string): string {
  const lower = text.trim().toLowerCase();
  for (const [pattern, state] of STATE_WORDS) if (pattern.test(lower)) return state;
  // Another transient state: its first word, without "(since …)".
  return lower.replace(/\s*\(since .*$/, '').replace(/\s+/g, '');
}

/**
 * One block per VM, each beginning with a `Name:` line at the start of a line. The shared-folder
 * lines of the same listing (`Name: 'hosthome', Host path: …`) are not VM names; within a block
 * only the first `UUID:` and `State:` count.
 */
export function parseListVmsLong(text: string): LongListedVm[] {
  const vms: LongListedVm[] = [];
  let current: LongListedVm | undefined;
  for (const { key, value } of keyValueLines(text)) {
    if (key === 'Name' && !/^'.*', Host path:/.test(value)) {
      current = { name: value, uuid: '', state: '' };
      vms.push(current);
    } else if (current && key === 'UUID' && current.uuid === '') {
      current.uuid = value;
    } else if (current && key === 'State' && current.state === '') {
      current.state = stateFromLongText(value);
    }
  }
  return vms;
}
