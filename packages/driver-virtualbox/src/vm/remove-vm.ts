import { rm, stat } from 'node:fs/promises';
import { join, posix, win32 } from 'node:path';
import type { CallContext, MachineContext } from '@berth/driver-protocol';
import { type MachineJournal, sleep } from '@berth/driver-sdk';
import { JOURNAL_KIND } from '../machine-files.js';
import { releaseHostOnlyAdapter } from '../network/adapter-release.js';
import { hostOnlyNic } from '../parse/machine-readable.js';
import { VBoxManageError } from '../vboxmanage/vboxmanage-errors.js';
import type { VirtualBoxHost } from '../virtualbox-host.js';

/** VirtualBox may hold a VM's lock for a moment after it powered off. */
const UNREGISTER_TRIES = 10;
const UNREGISTER_PAUSE_MS = 500;
const RUNNING_STATES = new Set(['running', 'paused', 'stuck', 'gurumeditation', 'starting', 'restoring', 'saving']);
const HOST_ONLY_NETWORK = /^HostInterfaceNetworking-(.+)$/;

/**
 * Removes what exists of a machine: its VM (powered off, unregistered with its disks), then, in the
 * reverse order of the journal, media never attached, files, and the host-only adapters and DHCP
 * servers Berth made once no VM uses them. Works for a half-made machine (a failed create), a
 * complete one, and one docker-machine made (no journal: only the VM, and no adapter of its).
 */
export async function removeVm(
  host: VirtualBoxHost,
  machine: MachineContext,
  journal: MachineJournal,
  context: CallContext,
): Promise<void> {
  const name = machine.name;
  const adapters = new Set<string>();
  const info = await host.vmInfo(name);
  const recorded = (await journal.entries()).some((entry) => entry.kind === JOURNAL_KIND.vm && entry.id === name);
  if (info && !recorded && !settingsInside(info.get('CfgFile') ?? '', machine.machineDir, host.settings.platform)) {
    context.log('warn', `VirtualBox's VM "${name}" (${info.get('CfgFile') ?? '?'}) is not this machine's: left alone`);
  } else if (info) {
    const adapter = hostOnlyNic(info)?.adapter;
    if (adapter) adapters.add(adapter);
    if (RUNNING_STATES.has(info.get('VMState') ?? '')) await host.vbox.attempt(['controlvm', name, 'poweroff']);
    await unregister(host, name);
  }
  await journal.forget(JOURNAL_KIND.vm, name);
  for (const entry of (await journal.entries()).reverse()) {
    if (entry.kind === JOURNAL_KIND.medium) {
      // Still on disk after the VM went: it was cloned but never attached, so VirtualBox still lists it.
      if (await stat(entry.id).catch(() => undefined)) {
        await host.vbox.attempt(['closemedium', 'disk', entry.id, '--delete']);
        await rm(entry.id, { force: true });
      }
      await journal.forget(entry.kind, entry.id);
    } else if (entry.kind === JOURNAL_KIND.file) {
      await rm(join(machine.machineDir, entry.id), { force: true });
      await journal.forget(entry.kind, entry.id);
    } else if (entry.kind === JOURNAL_KIND.adapter) {
      adapters.add(entry.id);
    } else if (entry.kind === JOURNAL_KIND.dhcpServer) {
      const adapter = HOST_ONLY_NETWORK.exec(entry.id)?.[1];
      if (adapter) adapters.add(adapter);
      else await journal.forget(entry.kind, entry.id);
    }
  }
  for (const adapter of adapters) await releaseHostOnlyAdapter(host, adapter, journal, context);
}

/** Whether a VM's settings file lies in the machine directory (where Berth and Docker Machine create it). */
export function settingsInside(cfgFile: string, machineDir: string, platform: NodeJS.Platform): boolean {
  const paths = platform === 'win32' ? win32 : posix;
  const fold = (value: string) => (platform === 'win32' ? value.toLowerCase() : value);
  const inside = paths.relative(fold(machineDir), fold(cfgFile));
  return cfgFile !== '' && inside !== '' && !inside.startsWith('..') && !paths.isAbsolute(inside);
}

async function unregister(host: VirtualBoxHost, name: string): Promise<void> {
  for (let tries = 1; ; tries += 1) {
    const result = await host.vbox.attempt(['unregistervm', '--delete', name]);
    if (!(result instanceof VBoxManageError) || result.kind === 'vm-not-found') return;
    if (result.kind !== 'locked' || tries >= UNREGISTER_TRIES) throw result;
    await sleep(UNREGISTER_PAUSE_MS);
  }
}
