import { tryDocker } from '../../engine/docker.js';
import type { TestHost } from '../../hosts/test-host.js';
import type { TestSession } from '../../session/session.js';

/** What stands behind a simulated instance: a real test host, or nothing but an address. */
export interface InstanceMachine {
  /** Boots for the first time; resolves with the address once the machine is reachable. */
  boot(): Promise<string>;
  /** Powers off (gracefully, or at once with `force`). */
  powerOff(force: boolean): Promise<void>;
  /** Powers on again; resolves with the (new) address. */
  powerOn(): Promise<string>;
  /** Reboots from inside, as EC2's RebootInstances asks the OS to; resolves with the address after. */
  reboot(): Promise<string | undefined>;
  /** Removes the machine for good. */
  destroy(): Promise<void>;
}

export interface HostMachineOptions {
  session: TestSession;
  /** OpenSSH public key of the instance's key pair; authorized for `user` (and root). */
  publicKey?: string;
  /** Login user the image has, as a cloud image's default user (`ubuntu` on Ubuntu AMIs). */
  user: string;
}

/**
 * A real Debian test host of the session. At first boot it gets what cloud-init would give an
 * Ubuntu AMI: the default user with passwordless sudo and the key pair's key.
 */
export class HostMachine implements InstanceMachine {
  private host: TestHost | undefined;
  private destroyed = false;

  constructor(private readonly options: HostMachineOptions) {}

  async boot(): Promise<string> {
    const { session, publicKey, user } = this.options;
    const host = await session.startHost(publicKey ? { authorizedKeys: [publicKey] } : {});
    this.host = host;
    if (this.destroyed) {
      await this.remove(host);
      throw new Error('terminated while booting');
    }
    if (user !== 'root' && user !== host.sudoUser) {
      const script = [
        'set -e',
        `id -u ${user} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${user}`,
        `install -d -m 700 -o ${user} -g ${user} /home/${user}/.ssh`,
        `install -m 600 -o ${user} -g ${user} /root/.ssh/authorized_keys /home/${user}/.ssh/authorized_keys`,
        `echo '${user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/90-cloud-init-users`,
        'chmod 440 /etc/sudoers.d/90-cloud-init-users',
      ].join('\n');
      const result = await tryDocker(['exec', '-i', host.name, 'sh'], { input: script });
      if (result.code !== 0) throw new Error(`creating user ${user} on ${host.name}: ${result.stderr}`);
    }
    return host.address;
  }

  async powerOff(force: boolean): Promise<void> {
    if (!this.host) return;
    if (force) await this.host.kill();
    else await this.host.powerOff();
  }

  async powerOn(): Promise<string> {
    if (!this.host) throw new Error('the instance never booted');
    await this.host.powerOn({ newAddress: true });
    return this.host.address;
  }

  async reboot(): Promise<string | undefined> {
    const host = this.host;
    if (!host) return undefined;
    const startedAt = async () =>
      (await tryDocker(['inspect', '--format', '{{.State.Running}} {{.State.StartedAt}}', host.name])).stdout.trim();
    const before = await startedAt();
    // systemd ends PID 1 with 129 on reboot; the session's watcher starts the container again.
    await tryDocker(['exec', host.name, 'systemctl', 'reboot']);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const now = await startedAt();
      if (now.startsWith('true') && now !== before) break;
      if (Date.now() > deadline) throw new Error(`${host.name} did not come back from the reboot`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await host.waitForSsh();
    return host.address;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    if (this.host) await this.remove(this.host);
  }

  private async remove(host: TestHost): Promise<void> {
    await tryDocker(['rm', '--force', '--volumes', host.name]);
    await tryDocker(['volume', 'rm', '--force', `${host.name}-docker`]);
  }
}

let virtualCounter = 0;

/** A fresh loopback address: connections to it are refused at once, nothing leaves the machine. */
function loopbackAddress(): string {
  virtualCounter += 1;
  return `127.1.${Math.floor(virtualCounter / 250) % 250}.${(virtualCounter % 250) + 1}`;
}

/** An instance with no machine behind it: state and an address only (fast, for API-level tests). */
export class VirtualMachine implements InstanceMachine {
  constructor(private readonly bootMs = 0) {}

  async boot(): Promise<string> {
    if (this.bootMs > 0) await new Promise((resolve) => setTimeout(resolve, this.bootMs));
    return loopbackAddress();
  }

  async powerOff(): Promise<void> {}

  async powerOn(): Promise<string> {
    return loopbackAddress();
  }

  async reboot(): Promise<string | undefined> {
    return undefined;
  }

  async destroy(): Promise<void> {}
}
