import { VBoxManageNotFoundError } from '../errors.js';
import { locateVBoxManage, onPath } from './locate.js';
import { VBoxManage, type VBoxManageOptions } from './runner.js';

/** QEMU's system emulators: with one on PATH, Berth's qemu driver is the way to a local machine. */
const QEMU_EMULATORS = ['qemu-system-x86_64', 'qemu-system-aarch64'];

/** VBoxManage, found where Docker Machine looked; else VBoxManageNotFoundError (naming qemu when it is there). */
export async function openVBoxManage(platform: NodeJS.Platform, options: VBoxManageOptions): Promise<VBoxManage> {
  const located = await locateVBoxManage({ env: options.env, platform });
  if (located.path) return new VBoxManage(located.path, options);
  const actions = (await onPath(QEMU_EMULATORS, options.env, platform))
    ? ['QEMU is installed: `berth create -d qemu <name>` makes a local machine without VirtualBox.']
    : [];
  throw new VBoxManageNotFoundError({ actions, data: { tried: located.tried } });
}
