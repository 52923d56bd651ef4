import { SeedImageError } from './seed-errors.js';

/**
 * Names on the image. Each file has three: its real name in Joliet (UCS-2) and in Rock Ridge (NM),
 * and an ISO 9660 level 1 identifier (8.3, upper case, `;1`) that plain readers see, made unique.
 */

/** Joliet's limit (64 UCS-2 characters); every name here is ASCII, so Rock Ridge takes it too. */
export const MAX_NAME_LENGTH = 64;

/** Characters Joliet forbids in a name (besides control characters). */
const JOLIET_FORBIDDEN = new Set(['*', '/', ':', ';', '?', '\\']);

/** Printable ASCII only: enough for cloud-init's files, and it keeps every directory record under 255 bytes. */
export function checkFileName(name: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new SeedImageError(`ISO file name ${JSON.stringify(name)} must have 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (name === '.' || name === '..') throw new SeedImageError(`ISO file name ${JSON.stringify(name)} is reserved`);
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code > 0x7e || JOLIET_FORBIDDEN.has(char)) {
      throw new SeedImageError(
        `ISO file name ${JSON.stringify(name)} holds ${JSON.stringify(char)}: use printable ASCII without * / : ; ? \\`,
      );
    }
  }
}

/** A volume label that fits both the primary descriptor (32 bytes) and Joliet's (16 UCS-2 characters). */
export function checkVolumeId(volumeId: string): void {
  if (!/^[A-Za-z0-9_.-]{1,16}$/.test(volumeId)) {
    throw new SeedImageError(`ISO volume label ${JSON.stringify(volumeId)} must be 1 to 16 of A-Z a-z 0-9 _ . -`);
  }
}

/** d-characters (7.4.1): A-Z, 0-9 and _; anything else becomes _. */
function dCharacters(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/**
 * Level 1 identifiers (`USER_DAT.;1` for `user-data`, as genisoimage makes them) for `names`, in
 * the same order. A clash (`vendor-data1`, `vendor-data2`) gets a number at the end of its stem.
 */
export function level1Identifiers(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const dot = name.lastIndexOf('.');
    const stem = dCharacters(dot > 0 ? name.slice(0, dot) : name).slice(0, 8);
    const extension = dot > 0 ? dCharacters(name.slice(dot + 1)).slice(0, 3) : '';
    let identifier = `${stem}.${extension};1`;
    for (let n = 1; used.has(identifier); n++) {
      const suffix = String(n);
      identifier = `${stem.slice(0, 8 - suffix.length)}${suffix}.${extension};1`;
    }
    used.add(identifier);
    return identifier;
  });
}

/**
 * 9.3's order of directory records: by name, then by extension, the shorter one padded with spaces
 * (all our versions are 1). Joliet names (which may hold more than one dot) sort the same way.
 */
export function compareIdentifiers(a: string, b: string): number {
  const [aName, aExtension] = splitIdentifier(a);
  const [bName, bExtension] = splitIdentifier(b);
  return comparePadded(aName, bName) || comparePadded(aExtension, bExtension);
}

function splitIdentifier(identifier: string): [string, string] {
  const bare = identifier.replace(/;1$/, '');
  const dot = bare.lastIndexOf('.');
  return dot < 0 ? [bare, ''] : [bare.slice(0, dot), bare.slice(dot + 1)];
}

function comparePadded(a: string, b: string): number {
  const length = Math.max(a.length, b.length);
  const left = a.padEnd(length, ' ');
  const right = b.padEnd(length, ' ');
  return left < right ? -1 : left > right ? 1 : 0;
}
