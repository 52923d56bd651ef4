import type { CallContext } from '@berth/driver-protocol';
import type { MachineJournal } from '@berth/driver-sdk';
import { ADAPTER_MARK_VALUE, adapterMarkKey, hostOnlyNetworkName, JOURNAL_KIND } from '../machine-files.js';
import { VBoxManageError } from '../vboxmanage/vboxmanage-errors.js';
import type { VirtualBoxHost } from '../virtualbox-host.js';
import { withHostOnlyLock } from './host-only-lock.js';

/** Whether any registered VM has a NIC on host-only adapter `adapter`. */
async function adapterInUse(host: VirtualBoxHost, adapter: string): Promise<boolean> {
  for (const vm of await host.vms()) {
    const info = await host.vmInfo(vm.name);
    for (const [key, value] of info ?? []) if (/^hostonlyadapter\d+$/.test(key) && value === adapter) return true;
  }
  return false;
}

/**
 * After a VM is gone: a host-only adapter Berth created goes too once no registered VM uses it,
 * with its DHCP server and its mark. A DHCP server Berth added to someone else's adapter goes when
 * that adapter is unused; the adapter itself stays. What other machines still use is only dropped
 * from this machine's journal (the last machine's rm removes it).
 */
export function releaseHostOnlyAdapter(
  host: VirtualBoxHost,
  adapter: string,
  journal: MachineJournal,
  context: CallContext,
): Promise<void> {
  return withHostOnlyLock(() => release(host, adapter, journal, context));
}

async function release(
  host: VirtualBoxHost,
  adapter: string,
  journal: MachineJournal,
  context: CallContext,
): Promise<void> {
  const netname = hostOnlyNetworkName(adapter);
  const entries = await journal.entries();
  const ownDhcp = entries.some((entry) => entry.kind === JOURNAL_KIND.dhcpServer && entry.id === netname);
  const marked = (await host.extraData('global', adapterMarkKey(adapter))) === ADAPTER_MARK_VALUE;
  if ((marked || ownDhcp) && !(await adapterInUse(host, adapter))) {
    const removed = await host.vbox.attempt(['dhcpserver', 'remove', '--netname', netname]);
    if (removed instanceof VBoxManageError && removed.kind !== 'object-not-found') {
      context.log('warn', `Unable to remove the DHCP server "${netname}": ${removed.message}`);
    }
    if (marked) {
      const gone = await host.vbox.attempt(['hostonlyif', 'remove', adapter]);
      if (gone instanceof VBoxManageError && gone.kind !== 'object-not-found') throw gone;
      await host.vbox.run(['setextradata', 'global', adapterMarkKey(adapter)]);
    }
  }
  await journal.forget(JOURNAL_KIND.dhcpServer, netname);
  await journal.forget(JOURNAL_KIND.adapter, adapter);
}
