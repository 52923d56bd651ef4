import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import {
  ascii,
  concatBytes,
  directoryRecordDate,
  putAsciiField,
  putBothEndian16,
  putBothEndian32,
  putUcs2Field,
  putUint16,
  putUint32,
  SECTOR_SIZE,
  sectorsFor,
  ucs2,
  volumeDescriptorDate,
} from './iso9660-encoding.js';
import { checkFileName, checkVolumeId, compareIdentifiers, level1Identifiers } from './iso9660-names.js';
import { ceEntry, DIRECTORY_MODE, erEntry, FILE_MODE, nmEntry, pxEntry, rrEntry, spEntry } from './rock-ridge.js';
import { SeedImageError } from './seed-errors.js';

/**
 * Writes a small ISO 9660 (ECMA-119) image: one root directory holding a few files, with Joliet
 * and Rock Ridge names, the equivalent of `genisoimage -volid LABEL -joliet -rock FILE...`. It
 * exists so that cloud-init seeds need no genisoimage on the user's machine. No maintained npm
 * package writes ISO 9660 (none in the registry under iso9660, ISO 9660, mkisofs or genisoimage),
 * so this is our own, kept to what a seed needs (no subdirectories, no boot record).
 *
 * Linux sees the real names through either extension: it prefers Rock Ridge when the root's "."
 * record leads it to an ER entry, and otherwise reads the Joliet tree. Plain ISO 9660 readers see
 * 8.3 upper-case names (`USER_DAT.;1`).
 *
 * Layout, in 2048-byte sectors (the first 16 are the empty system area):
 *   16 primary volume descriptor, 17 Joliet supplementary descriptor, 18 set terminator,
 *   19-20 path tables L and M (primary), 21-22 the same for Joliet, 23 Rock Ridge continuation
 *   area (the ER entry), then the primary root directory, the Joliet root directory, each
 *   file's data from the start of a sector, and 150 sectors of padding.
 */

export interface IsoFile {
  /** The name readers see through Joliet and Rock Ridge: 1 to 64 printable ASCII characters. */
  name: string;
  /** A string is written as UTF-8. */
  content: string | Uint8Array;
}

export interface IsoImageSpec {
  /** The volume label (`cidata` for a NoCloud seed), what blkid shows as LABEL. */
  volumeId: string;
  files: readonly IsoFile[];
  /** Every date recorded on the image; now by default. A fixed date gives the same bytes every time. */
  date?: Date;
}

const PRIMARY_DESCRIPTOR_SECTOR = 16;
const JOLIET_DESCRIPTOR_SECTOR = 17;
const TERMINATOR_SECTOR = 18;
const PRIMARY_PATH_TABLE_L = 19;
const PRIMARY_PATH_TABLE_M = 20;
const JOLIET_PATH_TABLE_L = 21;
const JOLIET_PATH_TABLE_M = 22;
const CONTINUATION_SECTOR = 23;
const PRIMARY_ROOT_SECTOR = 24;

/** The root's path table record: identifier length 1, the root's extent, parent 1, identifier 0x00, one pad byte. */
const PATH_TABLE_SIZE = 10;
/** Joliet level 3 (UCS-2), as genisoimage announces it. */
const JOLIET_ESCAPE_SEQUENCE = '%/E';
const SYSTEM_ID = 'LINUX';
const APPLICATION_ID = 'BERTH';
/**
 * Zero sectors at the end, counted in the volume, as genisoimage adds by default (-pad): Linux
 * reads ahead past the last file on a CD device, and xorriso takes a volume of 32 sectors or fewer
 * for an empty medium. 300 KiB per machine.
 */
const PADDING_SECTORS = 150;
/** The largest a single extent can be (its length is a 32-bit number). */
const MAX_FILE_SIZE = 0xffffffff;

interface PlacedFile {
  name: string;
  level1: string;
  data: Uint8Array;
  extent: number;
}

/** A directory record without its extent, so that sizes can be laid out before extents are known. */
interface RecordDraft {
  identifier: Uint8Array;
  directory: boolean;
  systemUse: Uint8Array;
  /** The extent and size once the layout is known. */
  target: () => { extent: number; size: number };
}

/** The image, in memory: seeds are a few KiB. */
export function buildIsoImage(spec: IsoImageSpec): Uint8Array {
  checkVolumeId(spec.volumeId);
  const names = new Set<string>();
  for (const file of spec.files) {
    checkFileName(file.name);
    if (names.has(file.name)) throw new SeedImageError(`two ISO files are named ${JSON.stringify(file.name)}`);
    names.add(file.name);
  }
  const date = spec.date ?? new Date();
  const recordDate = directoryRecordDate(date);
  const level1 = level1Identifiers(spec.files.map((file) => file.name));
  const files: PlacedFile[] = spec.files.map((file, index) => {
    const data = typeof file.content === 'string' ? new TextEncoder().encode(file.content) : file.content;
    if (data.length > MAX_FILE_SIZE) throw new SeedImageError(`ISO file ${file.name} is larger than 4 GiB`);
    return { name: file.name, level1: level1[index] as string, data, extent: 0 };
  });

  const er = erEntry();
  const layout = { primaryRoot: PRIMARY_ROOT_SECTOR, primarySize: 0, jolietRoot: 0, jolietSize: 0 };
  const primaryRoot = () => ({ extent: layout.primaryRoot, size: layout.primarySize });
  const jolietRoot = () => ({ extent: layout.jolietRoot, size: layout.jolietSize });
  const fileTarget = (file: PlacedFile) => () => ({ extent: file.extent, size: file.data.length });

  const primaryRecords: RecordDraft[] = [
    {
      identifier: Uint8Array.of(0),
      directory: true,
      systemUse: concatBytes([
        spEntry(),
        rrEntry(false),
        pxEntry(DIRECTORY_MODE, 2),
        ceEntry(CONTINUATION_SECTOR, er.length),
      ]),
      target: primaryRoot,
    },
    {
      identifier: Uint8Array.of(1),
      directory: true,
      systemUse: concatBytes([rrEntry(false), pxEntry(DIRECTORY_MODE, 2)]),
      target: primaryRoot,
    },
    ...[...files]
      .sort((a, b) => compareIdentifiers(a.level1, b.level1))
      .map((file) => ({
        identifier: ascii(file.level1),
        directory: false,
        systemUse: concatBytes([rrEntry(true), nmEntry(file.name), pxEntry(FILE_MODE, 1)]),
        target: fileTarget(file),
      })),
  ];
  const jolietRecords: RecordDraft[] = [
    { identifier: Uint8Array.of(0), directory: true, systemUse: new Uint8Array(0), target: jolietRoot },
    { identifier: Uint8Array.of(1), directory: true, systemUse: new Uint8Array(0), target: jolietRoot },
    ...[...files]
      .sort((a, b) => compareIdentifiers(a.name, b.name))
      .map((file) => ({
        // Joliet names carry no ";1": genisoimage writes none, and Linux strips one anyway.
        identifier: ucs2(file.name),
        directory: false,
        systemUse: new Uint8Array(0),
        target: fileTarget(file),
      })),
  ];

  layout.primarySize = directorySectors(primaryRecords) * SECTOR_SIZE;
  layout.jolietRoot = layout.primaryRoot + layout.primarySize / SECTOR_SIZE;
  layout.jolietSize = directorySectors(jolietRecords) * SECTOR_SIZE;
  const firstDataSector = layout.jolietRoot + layout.jolietSize / SECTOR_SIZE;
  let nextSector = firstDataSector;
  for (const file of files) {
    // An empty file occupies nothing; like genisoimage, it points where data starts.
    file.extent = file.data.length === 0 ? firstDataSector : nextSector;
    nextSector += sectorsFor(file.data.length);
  }
  const totalSectors = nextSector + PADDING_SECTORS;

  const image = new Uint8Array(totalSectors * SECTOR_SIZE);
  const common = { totalSectors, date };
  image.set(
    volumeDescriptor({
      ...common,
      joliet: false,
      volumeId: spec.volumeId,
      root: rootRecord(primaryRoot(), recordDate),
    }),
    PRIMARY_DESCRIPTOR_SECTOR * SECTOR_SIZE,
  );
  image.set(
    volumeDescriptor({ ...common, joliet: true, volumeId: spec.volumeId, root: rootRecord(jolietRoot(), recordDate) }),
    JOLIET_DESCRIPTOR_SECTOR * SECTOR_SIZE,
  );
  image.set(setTerminator(), TERMINATOR_SECTOR * SECTOR_SIZE);
  image.set(pathTable(layout.primaryRoot, true), PRIMARY_PATH_TABLE_L * SECTOR_SIZE);
  image.set(pathTable(layout.primaryRoot, false), PRIMARY_PATH_TABLE_M * SECTOR_SIZE);
  image.set(pathTable(layout.jolietRoot, true), JOLIET_PATH_TABLE_L * SECTOR_SIZE);
  image.set(pathTable(layout.jolietRoot, false), JOLIET_PATH_TABLE_M * SECTOR_SIZE);
  image.set(er, CONTINUATION_SECTOR * SECTOR_SIZE);
  image.set(directoryExtent(primaryRecords, recordDate), layout.primaryRoot * SECTOR_SIZE);
  image.set(directoryExtent(jolietRecords, recordDate), layout.jolietRoot * SECTOR_SIZE);
  for (const file of files) {
    if (file.data.length > 0) image.set(file.data, file.extent * SECTOR_SIZE);
  }
  return image;
}

/** Writes the image to `path` atomically: a reader (or a VM) never sees half an image. */
export async function writeIsoImage(path: string, spec: IsoImageSpec, mode = 0o644): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, buildIsoImage(spec), { mode, flush: true });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** 9.1: a directory record; the identifier is padded to an even length, and so is the whole record. */
function directoryRecord(draft: RecordDraft, date: Uint8Array): Uint8Array {
  const { extent, size } = draft.target();
  const idPad = draft.identifier.length % 2 === 0 ? 1 : 0;
  const record = new Uint8Array(recordLength(draft));
  if (record.length > 255) throw new SeedImageError('an ISO directory record is longer than 255 bytes');
  record[0] = record.length;
  putBothEndian32(record, 2, extent);
  putBothEndian32(record, 10, size);
  record.set(date, 18);
  record[25] = draft.directory ? 0x02 : 0x00;
  putBothEndian16(record, 28, 1);
  record[32] = draft.identifier.length;
  record.set(draft.identifier, 33);
  record.set(draft.systemUse, 33 + draft.identifier.length + idPad);
  return record;
}

function recordLength(draft: RecordDraft): number {
  const unpadded = 33 + draft.identifier.length + (draft.identifier.length % 2 === 0 ? 1 : 0) + draft.systemUse.length;
  return unpadded + (unpadded % 2);
}

/** 6.8.1.1: a directory record never crosses a sector boundary; one that would starts the next sector. */
function recordOffsets(drafts: readonly RecordDraft[]): { offsets: number[]; sectors: number } {
  const offsets: number[] = [];
  let offset = 0;
  for (const draft of drafts) {
    const length = recordLength(draft);
    if ((offset % SECTOR_SIZE) + length > SECTOR_SIZE) offset = Math.ceil(offset / SECTOR_SIZE) * SECTOR_SIZE;
    offsets.push(offset);
    offset += length;
  }
  return { offsets, sectors: Math.max(1, sectorsFor(offset)) };
}

function directorySectors(drafts: readonly RecordDraft[]): number {
  return recordOffsets(drafts).sectors;
}

function directoryExtent(drafts: readonly RecordDraft[], date: Uint8Array): Uint8Array {
  const { offsets, sectors } = recordOffsets(drafts);
  const extent = new Uint8Array(sectors * SECTOR_SIZE);
  drafts.forEach((draft, index) => {
    extent.set(directoryRecord(draft, date), offsets[index] as number);
  });
  return extent;
}

/** The 34-byte root record inside a volume descriptor (no System Use). */
function rootRecord(target: { extent: number; size: number }, date: Uint8Array): Uint8Array {
  return directoryRecord(
    { identifier: Uint8Array.of(0), directory: true, systemUse: new Uint8Array(0), target: () => target },
    date,
  );
}

/** 9.4: the path table of a volume with one directory, in little-endian (L) or big-endian (M) order. */
function pathTable(rootExtent: number, littleEndian: boolean): Uint8Array {
  const table = new Uint8Array(PATH_TABLE_SIZE);
  table[0] = 1;
  putUint32(table, 2, rootExtent, littleEndian);
  putUint16(table, 6, 1, littleEndian);
  return table;
}

interface DescriptorSpec {
  joliet: boolean;
  volumeId: string;
  totalSectors: number;
  root: Uint8Array;
  date: Date;
}

/** 8.4 (primary) and 8.5 (supplementary: Joliet, with UCS-2 identifiers and its escape sequence). */
function volumeDescriptor(spec: DescriptorSpec): Uint8Array {
  const vd = new Uint8Array(SECTOR_SIZE);
  const text = spec.joliet ? putUcs2Field : putAsciiField;
  vd[0] = spec.joliet ? 2 : 1;
  vd.set(ascii('CD001'), 1);
  vd[6] = 1;
  text(vd, 8, 32, SYSTEM_ID);
  text(vd, 40, 32, spec.volumeId);
  putBothEndian32(vd, 80, spec.totalSectors);
  if (spec.joliet) vd.set(ascii(JOLIET_ESCAPE_SEQUENCE), 88);
  putBothEndian16(vd, 120, 1);
  putBothEndian16(vd, 124, 1);
  putBothEndian16(vd, 128, SECTOR_SIZE);
  putBothEndian32(vd, 132, PATH_TABLE_SIZE);
  putUint32(vd, 140, spec.joliet ? JOLIET_PATH_TABLE_L : PRIMARY_PATH_TABLE_L, true);
  putUint32(vd, 148, spec.joliet ? JOLIET_PATH_TABLE_M : PRIMARY_PATH_TABLE_M, false);
  vd.set(spec.root, 156);
  text(vd, 190, 128, ''); // volume set
  text(vd, 318, 128, ''); // publisher
  text(vd, 446, 128, ''); // data preparer
  text(vd, 574, 128, APPLICATION_ID);
  text(vd, 702, 37, ''); // copyright file
  text(vd, 739, 37, ''); // abstract file
  text(vd, 776, 37, ''); // bibliographic file
  vd.set(volumeDescriptorDate(spec.date), 813); // creation
  vd.set(volumeDescriptorDate(spec.date), 830); // modification
  vd.set(volumeDescriptorDate(undefined), 847); // expiration: none
  vd.set(volumeDescriptorDate(undefined), 864); // effective: at once
  vd[881] = 1; // file structure version
  return vd;
}

/** 8.3: the end of the volume descriptor set. */
function setTerminator(): Uint8Array {
  const vd = new Uint8Array(SECTOR_SIZE);
  vd[0] = 255;
  vd.set(ascii('CD001'), 1);
  vd[6] = 1;
  return vd;
}
