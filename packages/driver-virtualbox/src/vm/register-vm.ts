import { availableParallelism } from 'node:os';
import { throwIfCancelled } from '@berth/driver-sdk';
import { JOURNAL_KIND, machineFile } from '../machine-files.js';
import { type MachineOperation, vmName } from '../operation.js';
import { shareToAdd } from './shared-folder.js';
import { attachments, type BootMedia, natNicArgs, storageAttachArgs, vmSetupArgs } from './vm-commands.js';
import { vmNameTaken } from './vm-errors.js';

/**
 * Registers the machine's VM in VirtualBox and sets it up as Docker Machine did: settings, the NAT
 * NIC, a SATA controller with the disk and the seed or ISO, the shared-folder mount settings and
 * the host's home share. The host-only NIC and the SSH forward are set at every start.
 */
export async function registerVm(
  op: MachineOperation,
  boot: BootMedia,
  hostCpus = availableParallelism(),
): Promise<void> {
  const { host, machine, config, journal, context } = op;
  const name = vmName(op);
  const run = (args: string[]) => host.vbox.run(args);
  // Recorded once registered: a VM of this name that createvm refused is someone else's. (A VM
  // registered but not recorded is still found by its settings file inside the machine directory.)
  if (await host.vmInfo(name)) throw vmNameTaken(name);
  await run(['createvm', '--basefolder', machine.machineDir, '--name', name, '--register']);
  await journal.record(JOURNAL_KIND.vm, name);
  throwIfCancelled(context.signal, 'creating the VM');
  await run(
    vmSetupArgs(
      {
        name,
        cpus: config.CPU,
        memory: config.Memory,
        hostDnsResolver: config.HostDNSResolver,
        dnsProxy: config.DNSProxy,
        boot,
      },
      hostCpus,
    ),
  );
  await run(natNicArgs(name, config.NatNicType));
  await run(['storagectl', name, '--name', 'SATA', '--add', 'sata', '--hostiocache', 'on']);
  const second = machineFile(machine.machineDir, boot === 'cloud-image' ? 'seed' : 'iso');
  for (const attachment of attachments(boot, machineFile(machine.machineDir, 'disk'), second)) {
    await run(storageAttachArgs(name, attachment));
  }
  await run(['guestproperty', 'set', name, '/VirtualBox/GuestAdd/SharedFolders/MountPrefix', '/']);
  await run(['guestproperty', 'set', name, '/VirtualBox/GuestAdd/SharedFolders/MountDir', '/']);
  const share = await shareToAdd(config.NoShare, config.ShareFolder, host.settings.platform);
  if (share) {
    await run(['sharedfolder', 'add', name, '--name', share.name, '--hostpath', share.dir, '--automount']);
    await run(['setextradata', name, `VBoxInternal2/SharedFoldersEnableSymlinksCreate/${share.name}`, '1']);
  }
  throwIfCancelled(context.signal, 'setting up the VM');
}
