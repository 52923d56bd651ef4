import { throwIfCancelled } from '@berth/driver-sdk';
import { GuestWaitTimeoutError, VmStartError, VtxUnavailableError } from '../errors.js';
import { guestHostOnlyIp } from '../guest/guest-address.js';
import { machineFile } from '../machine-files.js';
import { setUpHostOnlyNetwork } from '../network/host-only-network.js';
import { loopbackPortFree } from '../network/loopback-port.js';
import { type MachineOperation, vmName } from '../operation.js';
import { hostOnlyNic } from '../parse/machine-readable.js';
import { VBoxManageError } from '../vboxmanage/vboxmanage-errors.js';
import { SSH_USER } from '../virtualbox-config.js';
import { hostOnlyNicArgs, sshForwardArgs } from './vm-commands.js';
import { notFound, sshPortTaken } from './vm-errors.js';
import { lastLogLine, vtxProblemLine } from './vtx-log.js';

export interface BootOptions {
  /** Bound on SSH answering and the host-only address appearing. */
  guestTimeoutMs: number;
  /** Called after every change to the VM (the state cache is dropped). */
  changed: () => void;
}

function vtxError(line: string, platform: NodeJS.Platform): VtxUnavailableError {
  const actions = ['Turn on Intel VT-x or AMD-V (SVM) in the BIOS/UEFI setup of this computer, then retry.'];
  if (platform === 'win32') {
    actions.push(
      "If Hyper-V (or WSL 2, Windows Sandbox, Core Isolation) holds the CPU's virtualization: run `bcdedit /set hypervisorlaunchtype off` as administrator and reboot, or use Hyper-V itself with `berth create -d hyperv`.",
    );
  }
  actions.push('If this computer is itself a VM, turn on nested virtualization for it.');
  return new VtxUnavailableError(
    "This computer doesn't have VT-X/AMD-v enabled. Enabling it in the BIOS is mandatory",
    {
      actions,
      data: { logLine: line.trim() },
    },
  );
}

/**
 * Boots the machine's VM from whatever state it is in (Docker Machine's start): off or aborted, it
 * gets its host-only network and NIC set up again; off, aborted or saved, the SSH forward on the
 * machine's port and `startvm`; paused, a resume. Then VBox.log is checked for missing VT-x, and the
 * guest's host-only address is read over SSH into `config.IPAddress`.
 */
export async function bootVm(op: MachineOperation, options: BootOptions): Promise<void> {
  const { host, config, context } = op;
  const name = vmName(op);
  const before = await host.vmInfo(name);
  if (!before) throw notFound(name);
  const state = before.get('VMState') ?? '';
  if (state === 'poweroff' || state === 'aborted') {
    context.progress('Check network to re-create if needed...');
    const adapter = await setUpHostOnlyNetwork({
      host,
      cidr: config.HostOnlyCIDR,
      noDhcp: config.HostOnlyNoDHCP,
      journal: op.journal,
      context,
    });
    await host.vbox.run(hostOnlyNicArgs(name, adapter, config.HostOnlyNicType, config.HostOnlyPromiscMode));
    options.changed();
  }
  throwIfCancelled(context.signal, 'starting the VM');
  if (state === 'poweroff' || state === 'aborted' || state === 'saved') {
    if (!(await loopbackPortFree(config.SSHPort))) throw sshPortTaken(config.SSHPort);
    await host.vbox.attempt(['modifyvm', name, '--natpf1', 'delete', 'ssh']);
    await host.vbox.run(sshForwardArgs(name, config.SSHPort));
    await startVm(op, before);
    options.changed();
  } else if (state === 'paused') {
    context.progress('Resuming VM ...');
    await host.vbox.run(['controlvm', name, 'resume', '--type', config.UIType]);
    options.changed();
  } else if (state !== 'running') {
    context.log('info', `VM not in restartable state (${state || 'unknown'})`);
  }
  const after = (await host.vmInfo(name)) ?? before;
  if (!config.NoVTXCheck) {
    const line = vtxProblemLine((await host.vmLog(after)) ?? '');
    if (line) {
      await host.vbox.attempt(['controlvm', name, 'poweroff']);
      options.changed();
      throw vtxError(line, host.settings.platform);
    }
  }
  context.progress('Waiting for an IP...');
  const nic = hostOnlyNic(after);
  if (!nic?.mac) {
    throw new GuestWaitTimeoutError(
      nic ? `Could not find MAC address for adapter ${nic.slot}` : 'Machine does not have a host-only adapter',
      { actions: [`Stop the machine and start it again: \`berth start ${name}\` sets the host-only NIC up.`] },
    );
  }
  config.IPAddress = await guestHostOnlyIp({
    port: config.SSHPort,
    user: config.SSHUser || SSH_USER,
    keyPath: config.SSHKeyPath || machineFile(op.machine.machineDir, 'key'),
    knownHostsFile: machineFile(op.machine.machineDir, 'knownHosts'),
    mac: nic.mac,
    timeoutMs: options.guestTimeoutMs,
    signal: context.signal,
  });
}

/** `startvm`; a failure names VT-x when VBox.log says so, else ends with the log's last line (Docker Machine's `Details:`). */
async function startVm(op: MachineOperation, info: Map<string, string>): Promise<void> {
  const { host, config, context } = op;
  const name = vmName(op);
  context.log('debug', `Starting VM "${name}" (${config.UIType})`);
  try {
    await host.vbox.run(['startvm', name, '--type', config.UIType]);
  } catch (error) {
    if (!(error instanceof VBoxManageError)) throw error;
    const log = (await host.vmLog(info)) ?? '';
    const vtx = vtxProblemLine(log);
    if (vtx && !config.NoVTXCheck) throw vtxError(vtx, host.settings.platform);
    const last = lastLogLine(log);
    throw new VmStartError(`Unable to start the VM: ${error.message}${last ? `\nDetails: ${last}` : ''}`, {
      data: error.data,
      cause: error,
    });
  }
}
