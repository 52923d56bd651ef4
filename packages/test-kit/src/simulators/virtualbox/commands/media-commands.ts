import { constants, createReadStream } from 'node:fs';
import { copyFile, open, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ArgReader, type Command, type CommandContext } from '../command-context.js';
import { type MediumRecord, newUuid } from '../registry.js';
import { mediaListing } from '../render-lists.js';
import { fileNotFound, VBoxManageError } from '../vbox-errors.js';
import { openMedium } from './settings-commands.js';

const MB = 1048576;

function alreadyExists(path: string, context: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_FILE_ERROR', [
    `Cannot create medium storage unit '${path}': file already exists (VERR_ALREADY_EXISTS)`,
    'Details: code VBOX_E_FILE_ERROR (0x80bb0004), component MediumWrap, interface IMedium',
    `Context: "${context}"`,
  ]);
}

function mediumType(word: string | undefined): 'hdd' | 'dvd' | 'floppy' | undefined {
  if (word === 'disk') return 'hdd';
  if (word === 'dvd') return 'dvd';
  if (word === 'floppy') return 'floppy';
  return undefined;
}

/** A qcow2 image's virtual size (header bytes 24-31); other files count by their length. */
async function virtualSizeMb(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const header = Buffer.alloc(32);
    const { bytesRead } = await handle.read(header, 0, 32, 0);
    if (bytesRead === 32 && header.readUInt32BE(0) === 0x514649fb)
      return Math.ceil(Number(header.readBigUInt64BE(24)) / MB);
    return Math.max(1, Math.ceil((await handle.stat()).size / MB));
  } finally {
    await handle.close();
  }
}

export const clonemedium: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, [
    'VBoxManage clonemedium [disk | dvd | floppy] <uuid | source-medium> <uuid | target-medium> [--existing]',
    '    [--format= VDI | VMDK | VHD | RAW | other] [--variant=Standard,Fixed,Split2G,Stream,ESX]',
  ]);
  const positional: string[] = [];
  let format = 'VDI';
  let existing = false;
  let type: 'hdd' | 'dvd' | 'floppy' = 'hdd';
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--format' || token === '-o') format = reader.value(token, inline).toUpperCase();
    else if (token === '--variant') reader.value(token, inline);
    else if (token === '--existing') existing = true;
    else if (!token.startsWith('-')) {
      const kind = positional.length === 0 ? mediumType(token) : undefined;
      if (kind) type = kind;
      else positional.push(token);
    } else throw reader.unknown(token);
  }
  const [sourceArg, targetArg] = positional;
  if (!sourceArg || !targetArg || positional.length > 2)
    throw reader.syntax('Mandatory UUID or input file parameter missing');
  const known = ctx.registry.media.find((m) => m.uuid === sourceArg.replace(/^\{|\}$/g, '').toLowerCase());
  const source = known?.path ?? resolve(ctx.cwd, sourceArg);
  if (!(await stat(source).catch(() => undefined))?.isFile()) throw fileNotFound(source);
  const target = resolve(ctx.cwd, targetArg);
  if (!existing && (await stat(target).catch(() => undefined))) {
    throw alreadyExists(
      target,
      'CreateMedium(Bstr(format).raw(), Bstr(dst).raw(), AccessMode_ReadWrite, DeviceType_HardDisk, pDstMedium.asOutParam())',
    );
  }
  await copyFile(source, target, constants.COPYFILE_FICLONE);
  const medium: MediumRecord = {
    uuid: newUuid(),
    path: target,
    type,
    format,
    capacityMb: known?.capacityMb ?? (await virtualSizeMb(source)),
  };
  ctx.registry.media = ctx.registry.media.filter((m) => m.path !== target);
  ctx.registry.media.push(medium);
  ctx.out.progress();
  ctx.out.out(`Clone medium created in format '${format}'. UUID: ${medium.uuid}`);
};

/**
 * Copies a raw stream into `target` as a sparse file: zero blocks are skipped, so a 20 GB
 * docker-machine disk (a small tar then zeros) costs only the tar. The simulator's VMDK is this
 * raw image (the tar stays at offset 0, where a boot2docker guest looks for it).
 */
async function writeSparse(input: NodeJS.ReadableStream, target: string, limit: number | undefined): Promise<number> {
  const handle = await open(target, 'wx');
  let offset = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let data = chunk;
      if (limit !== undefined && offset + data.length > limit) data = data.subarray(0, limit - offset);
      for (let start = 0; start < data.length; start += 65536) {
        const piece = data.subarray(start, start + 65536);
        if (piece.some((byte) => byte !== 0)) await handle.write(piece, 0, piece.length, offset + start);
      }
      offset += data.length;
      if (limit !== undefined && offset >= limit) break;
    }
  } finally {
    await handle.close();
  }
  return offset;
}

export const convertfromraw: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, [
    'VBoxManage convertfromraw <inputfile> <outputfile> [--format= VDI | VMDK | VHD] [--variant=Standard,Fixed,Split2G,Stream,ESX] [--uuid=uuid]',
    'VBoxManage convertfromraw stdin <outputfile> <bytes> [--format= VDI | VMDK | VHD] [--variant=Standard,Fixed,Split2G,Stream,ESX] [--uuid=uuid]',
  ]);
  const positional: string[] = [];
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    // The simulator's image is the raw data whatever the format (see writeSparse).
    if (token === '--format' || token === '-o' || token === '--variant' || token === '--uuid')
      reader.value(token, inline);
    else if (!token.startsWith('-') || token === '-') positional.push(token);
    else throw reader.unknown(token);
  }
  const fromStdin = positional[0] === 'stdin';
  if (positional.length !== (fromStdin ? 3 : 2)) throw reader.syntax('Incorrect number of parameters');
  const target = resolve(ctx.cwd, positional[1] as string);
  let bytes: number;
  let sourceLabel: string;
  if (fromStdin) {
    bytes = Number(positional[2]);
    if (!Number.isInteger(bytes) || bytes <= 0) throw reader.syntax(`Invalid size '${positional[2]}'`);
    sourceLabel = 'stdin';
  } else {
    const source = resolve(ctx.cwd, positional[0] as string);
    const info = await stat(source).catch(() => undefined);
    if (!info?.isFile()) {
      throw new VBoxManageError('VERR_FILE_NOT_FOUND', [`Cannot open file "${source}": VERR_FILE_NOT_FOUND`]);
    }
    bytes = info.size;
    sourceLabel = source;
  }
  if (await stat(target).catch(() => undefined)) {
    throw new VBoxManageError('VERR_ALREADY_EXISTS', [`Cannot create the disk image "${target}": VERR_ALREADY_EXISTS`]);
  }
  ctx.out.out(`Converting from raw image file="${sourceLabel}" to file="${target}"...`);
  ctx.out.out(`Creating dynamic image with size ${bytes} bytes (${Math.ceil(bytes / MB)}MB)...`);
  const input = fromStdin ? ctx.stdin : createReadStream(sourceLabel);
  const copied = await writeSparse(input, target, bytes);
  if (copied < bytes) {
    await rm(target, { force: true });
    throw new VBoxManageError('VERR_EOF', [
      `Error while reading the input: only ${copied} of ${bytes} bytes arrived (VERR_EOF)`,
    ]);
  }
};

export const modifymedium: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, [
    'VBoxManage modifymedium [disk | dvd | floppy] <uuid | filename> [--type=normal | writethrough | immutable | shareable | readonly | multiattach]',
    '    [--autoreset=on | off] [--property=name=[value]] [--compact] [--resize=megabytes | --resizebyte=bytes]',
    '    [--move=pathname] [--setlocation=pathname] [--description=description]',
  ]);
  let type: 'hdd' | 'dvd' | 'floppy' = 'hdd';
  let target: string | undefined;
  let resizeMb: number | undefined;
  let progress = false;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--resize') resizeMb = Number(reader.value(token, inline));
    else if (token === '--resizebyte') resizeMb = Math.ceil(Number(reader.value(token, inline)) / MB);
    else if (token === '--compact') progress = true;
    else if (['--type', '--autoreset', '--property', '--move', '--setlocation', '--description'].includes(token)) {
      reader.value(token, inline);
    } else if (!token.startsWith('-')) {
      const kind = target === undefined ? mediumType(token) : undefined;
      if (kind) type = kind;
      else if (target === undefined) target = token;
      else throw reader.unknown(token);
    } else throw reader.unknown(token);
  }
  if (!target) throw reader.syntax('No medium specified');
  if (resizeMb !== undefined && (!Number.isInteger(resizeMb) || resizeMb <= 0))
    throw reader.syntax('Invalid --resize argument');
  const opened = await openMedium(ctx, target, type);
  const medium = ctx.registry.media.find((m) => m.uuid === opened.uuid);
  if (medium && resizeMb !== undefined) {
    if (resizeMb < medium.capacityMb) {
      ctx.out.err('0%...\nProgress state: VBOX_E_NOT_SUPPORTED\n');
      throw new VBoxManageError('VBOX_E_NOT_SUPPORTED', [
        `Failed to resize medium`,
        `Resizing to new size ${resizeMb * MB} is not yet supported for medium '${medium.path}'`,
        'Details: code VBOX_E_NOT_SUPPORTED (0x80bb0009), component MediumWrap, interface IMedium',
      ]);
    }
    medium.capacityMb = resizeMb;
    progress = true;
  }
  if (progress) ctx.out.progress();
};

export const closemedium: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, ['VBoxManage closemedium [disk | dvd | floppy] <uuid | filename> [--delete]']);
  let target: string | undefined;
  let remove = false;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    if (arg.token === '--delete') remove = true;
    else if (!arg.token.startsWith('-') && target === undefined && !mediumType(arg.token)) target = arg.token;
    else if (!arg.token.startsWith('-') && mediumType(arg.token) && target === undefined) continue;
    else throw reader.unknown(arg.token);
  }
  if (!target) throw reader.syntax('No medium specified');
  const bare = target.replace(/^\{|\}$/g, '').toLowerCase();
  const path = resolve(ctx.cwd, target);
  const medium = ctx.registry.media.find((m) => m.uuid === bare || m.path === path);
  if (!medium) throw fileNotFound(path);
  const user = ctx.registry.vms.find((vm) => vm.storage.some((c) => c.attachments.some((a) => a.uuid === medium.uuid)));
  if (user) {
    throw new VBoxManageError('VBOX_E_OBJECT_IN_USE', [
      `Cannot close medium '${medium.path}' because it is still attached to 1 virtual machines`,
      'Details: code VBOX_E_OBJECT_IN_USE (0x80bb000c), component MediumWrap, interface IMedium, callee nsISupports',
    ]);
  }
  ctx.registry.media = ctx.registry.media.filter((m) => m !== medium);
  if (remove) {
    await rm(medium.path, { force: true });
    ctx.out.progress();
  }
};

export const showmediuminfo: Command = async (ctx: CommandContext) => {
  const reader = new ArgReader(ctx.args, ['VBoxManage showmediuminfo [disk | dvd | floppy] <uuid | filename>']);
  let target = reader.word('uuid | filename');
  let type: 'hdd' | 'dvd' | 'floppy' = 'hdd';
  const kind = mediumType(target);
  if (kind) {
    type = kind;
    target = reader.word('uuid | filename');
  }
  const opened = await openMedium(ctx, target, type);
  const medium = ctx.registry.media.filter((m) => m.uuid === opened.uuid);
  ctx.out.out(...mediaListing(medium, ctx.registry).filter((line) => line !== ''));
};
