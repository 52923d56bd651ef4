import { docker, tryDocker } from '../engine/docker.js';
import type { CommandResult } from '../engine/run-command.js';
import { type SshExecOptions, sshExec, waitForSsh } from '../ssh/ssh-exec.js';
import { addressTaken, containerAddress, ensureNetwork, freeAddress } from './network.js';

/**
 * `base`: no Docker; `adopt`: docker.io under systemd; `boot2docker`: laid out as boot2docker
 * (log in as `docker`, dockerd through /etc/init.d/docker and /var/lib/boot2docker/profile).
 */
export type HostVariant = 'base' | 'adopt' | 'boot2docker';

export interface TestHostInfo {
  /** Container name; also the host's initial hostname. */
  name: string;
  variant: HostVariant;
  address: string;
  port: number;
  rootUser: 'root';
  /** A non-root user with passwordless sudo. */
  sudoUser: 'berth';
  /** OpenSSH private key that both users accept. */
  privateKey: string;
  privateKeyPath: string;
  publicKey: string;
}

/** A real Debian 12 host (systemd, sshd) in a container, reached over real SSH. */
export class TestHost implements TestHostInfo {
  readonly rootUser = 'root' as const;
  readonly sudoUser = 'berth' as const;
  readonly port = 22;

  constructor(
    readonly name: string,
    readonly variant: HostVariant,
    public address: string,
    readonly privateKey: string,
    readonly privateKeyPath: string,
    readonly publicKey: string,
  ) {}

  /** Runs a command over SSH as root (default) or as the sudo user. */
  exec(command: string, options: SshExecOptions & { user?: string } = {}): Promise<CommandResult> {
    return sshExec(
      { address: this.address, port: this.port, user: options.user ?? 'root', privateKey: this.privateKey },
      command,
      options,
    );
  }

  /** Like exec, but throws with the output when the command fails. */
  async mustExec(command: string, options: SshExecOptions & { user?: string } = {}): Promise<string> {
    const result = await this.exec(command, options);
    if (result.code !== 0) {
      throw new Error(`on ${this.name}: "${command}" exited ${result.code}: ${result.stderr || result.stdout}`);
    }
    return result.stdout;
  }

  /** Waits until SSH answers; the address is looked up again meanwhile (a reboot may change it). */
  async waitForSsh(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.refreshAddress().catch(() => undefined);
      try {
        const target = { address: this.address, port: this.port, user: 'root', privateKey: this.privateKey };
        await waitForSsh(target, Math.min(10_000, Math.max(1_000, deadline - Date.now())));
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
      }
    }
  }

  /** The address can change when the container is started again, as a VM's can. */
  async refreshAddress(): Promise<string> {
    const address = await containerAddress(this.name);
    if (address) this.address = address;
    return this.address;
  }

  /** Container state as Docker sees it: running, exited, restarting, ... */
  async containerState(): Promise<string> {
    return (await docker(['inspect', '--format', '{{.State.Status}}', this.name])).trim();
  }

  /** Power actions from outside, as a hypervisor or cloud would do them. */
  async powerOff(): Promise<void> {
    await docker(['stop', '--time', '20', this.name]);
  }

  /**
   * Starts a powered-off host. With `newAddress`, it comes back on another address, as a cloud
   * instance without a reserved IP does: while it is off it leaves the bridge and rejoins it on a
   * fresh fixed address.
   */
  async powerOn(options: { newAddress?: boolean } = {}): Promise<void> {
    if (options.newAddress) {
      const network = await ensureNetwork();
      for (let attempt = 0; ; attempt += 1) {
        const address = await freeAddress(network);
        await docker(['network', 'disconnect', '--force', network.name, this.name]).catch(() => undefined);
        const joined = await tryDocker(['network', 'connect', '--ip', address, network.name, this.name]);
        if (joined.code === 0) break;
        if (!addressTaken(joined.stderr) || attempt >= 5) {
          throw new Error(`${this.name}: could not move to a new address: ${joined.stderr.trim()}`);
        }
      }
    }
    await docker(['start', this.name]);
    await this.refreshAddress();
  }

  async kill(): Promise<void> {
    await docker(['kill', this.name]);
  }
}
