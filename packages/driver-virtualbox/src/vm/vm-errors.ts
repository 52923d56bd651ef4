import { SshPortTakenError, VmNameTakenError, VmNotFoundError } from '../errors.js';

/** The machine's VM is not in VirtualBox (Docker Machine: `machine does not exist`). */
export function notFound(name: string): VmNotFoundError {
  return new VmNotFoundError(`machine does not exist: VirtualBox has no VM named "${name}"`, {
    actions: [`\`VBoxManage list vms\` shows the VMs VirtualBox knows; \`berth rm -f ${name}\` forgets the machine.`],
  });
}

/** The machine's SSH port on 127.0.0.1 is taken, so VirtualBox could not forward it. */
export function sshPortTaken(port: number): SshPortTakenError {
  return new SshPortTakenError(`port ${port} on 127.0.0.1, where the machine's SSH is forwarded, is in use`, {
    actions: [`Stop the program listening on 127.0.0.1:${port}, then retry.`],
    data: { port },
  });
}

/** A new machine's name is already a VirtualBox VM's. */
export function vmNameTaken(name: string): VmNameTakenError {
  return new VmNameTakenError(`VirtualBox already has a VM named "${name}"`, {
    actions: [
      `Choose another machine name, or remove that VM in VirtualBox (\`VBoxManage unregistervm --delete ${name}\`).`,
    ],
  });
}
