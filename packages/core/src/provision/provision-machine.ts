import { provisionBoot2Docker } from './boot2docker-provisioner.js';
import { provisionDebianFamily } from './debian-provisioner.js';
import { detectProvisioner } from './detect-provisioner.js';
import { parseOsRelease } from './os-release.js';
import type { ProvisionContext, ProvisionResult } from './provision-context.js';
import { remoteStep } from './remote-step.js';

/** Detects the OS over the caller's SSH session and runs the matching provisioner. */
export async function provisionMachine(ctx: ProvisionContext): Promise<ProvisionResult> {
  ctx.progress('Detecting the provisioner...');
  const os = parseOsRelease(await remoteStep(ctx.ssh, 'reading /etc/os-release', 'cat /etc/os-release'));
  const name = detectProvisioner(os);
  if (ctx.announce) ctx.progress(`Provisioning with ${name}...`);
  return name === 'boot2docker' ? provisionBoot2Docker(ctx, name) : provisionDebianFamily(ctx, name);
}
