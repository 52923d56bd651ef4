import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CachedImage, FlagValues, LogParams, MachineContext, ProgressParams } from '@berth/driver-protocol';
import { createCallContext, resolveFlagValues } from '@berth/driver-sdk';
import { VIRTUALBOX_FLAGS } from '../../src/flags.js';

export const exec = promisify(execFile);

export function machineIn(storePath: string, name: string, driverConfig: Record<string, unknown> = {}): MachineContext {
  return {
    name,
    storePath,
    machineDir: join(storePath, 'machines', name),
    driverConfig: { MachineName: name, StorePath: storePath, ...driverConfig },
  };
}

/** Flag values as the host resolves them: given, then defaults. */
export function virtualboxFlags(given: Record<string, unknown> = {}): FlagValues {
  return resolveFlagValues(VIRTUALBOX_FLAGS, { given, env: {} });
}

/** A call context that records what the driver reports. */
export function recordingContext(signal?: AbortSignal) {
  const logs: LogParams[] = [];
  const progress: string[] = [];
  const context = createCallContext({
    machine: 'm',
    ...(signal ? { signal } : {}),
    onLog: (line) => logs.push(line),
    onProgress: (line: ProgressParams) => progress.push(line.message),
  });
  return { context, logs, progress };
}

/** A small qcow2 image in the host's cache, as the host hands it to create. */
export async function cachedImage(dir: string): Promise<CachedImage> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'debian-12-genericcloud-amd64.qcow2');
  // qcow2's header: magic, version 3, cluster bits 16, then the 64 MB virtual size at byte 24.
  const header = Buffer.alloc(512);
  header.writeUInt32BE(0x514649fb, 0);
  header.writeUInt32BE(3, 4);
  header.writeUInt32BE(16, 20);
  header.writeBigUInt64BE(64n * 1024n * 1024n, 24);
  await writeFile(path, header);
  return {
    path,
    url: 'https://cloud.debian.org/images/debian-12-genericcloud-amd64.qcow2',
    checksum: `sha512:${'0'.repeat(128)}`,
  };
}

/** /proc/net/route text for routes [iface, network, prefix, via a gateway?], as the kernel prints them. */
export function routeTable(rows: Array<[string, string, number, boolean?]>): string {
  // The kernel prints each address's bytes as they sit in memory: network order, read little-endian.
  const hex = (value: number) =>
    [0, 8, 16, 24]
      .map((shift) => ((value >>> shift) & 255).toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase();
  const number = (ip: string) => ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const lines = rows.map(([iface, network, prefix, gateway]) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return `${iface}\t${hex(number(network))}\t00000000\t${gateway ? '0003' : '0001'}\t0\t0\t0\t${hex(mask)}\t0\t0\t0`;
  });
  return ['Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT', ...lines, ''].join('\n');
}
