import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AllowedRanges, readAllowedRanges } from './network/allowed-ranges.js';
import type { HostNetworkView } from './network/choose-cidr.js';
import { readHostRoutes } from './network/route-conflicts.js';
import { type DhcpServer, parseDhcpServers } from './parse/dhcpservers.js';
import { type HostOnlyAdapter, parseHostOnlyIfs } from './parse/hostonlyifs.js';
import { type ListedVm, type LongListedVm, parseListVms, parseListVmsLong } from './parse/list-vms.js';
import { parseMachineReadable } from './parse/machine-readable.js';
import { type VBoxVersion, versionAtLeast } from './parse/version.js';
import type { VBoxManage } from './vboxmanage/runner.js';
import { VBoxManageError } from './vboxmanage/vboxmanage-errors.js';
import { checkVBoxVersion } from './vboxmanage/version-check.js';

/** Where and how the driver meets this host (the environment VBoxManage runs in, the route table). */
export interface HostSettings {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Linux's route table; other hosts have none and skip the conflict check. */
  routeTablePath: string;
}

/** The VirtualBox version from which Linux and macOS refuse host-only ranges outside networks.conf. */
const RANGES_ENFORCED_FROM = [6, 1, 28] as const;

export type CheckedVersion = { version: VBoxVersion; warning?: string };

/** Answers that hold for a driver process's whole life (its VirtualBox is not upgraded under it). */
export interface HostMemo {
  version?: Promise<CheckedVersion>;
}

/** VBoxManage's read-only questions, answered parsed. */
export class VirtualBoxHost {
  constructor(
    readonly vbox: VBoxManage,
    readonly settings: HostSettings,
    private readonly memo: HostMemo = {},
  ) {}

  /** The checked version (asked once per process; a failure is asked again next time). */
  version(): Promise<CheckedVersion> {
    this.memo.version ??= this.vbox.run(['--version']).then(({ stdout }) => checkVBoxVersion(stdout));
    return this.memo.version.catch((error: unknown) => {
      this.memo.version = undefined;
      throw error;
    });
  }

  async hostOnlyAdapters(): Promise<HostOnlyAdapter[]> {
    return parseHostOnlyIfs((await this.vbox.run(['list', 'hostonlyifs'])).stdout);
  }

  async dhcpServers(): Promise<DhcpServer[]> {
    return parseDhcpServers((await this.vbox.run(['list', 'dhcpservers'])).stdout);
  }

  async vms(): Promise<ListedVm[]> {
    return parseListVms((await this.vbox.run(['list', 'vms'])).stdout);
  }

  async vmsLong(): Promise<LongListedVm[]> {
    return parseListVmsLong((await this.vbox.run(['list', 'vms', '--long'])).stdout);
  }

  /** `showvminfo --machinereadable`, or undefined when VirtualBox has no such VM. */
  async vmInfo(name: string): Promise<Map<string, string> | undefined> {
    const result = await this.vbox.attempt(['showvminfo', name, '--machinereadable']);
    if (result instanceof VBoxManageError) {
      if (result.kind === 'vm-not-found') return undefined;
      throw result;
    }
    return parseMachineReadable(result.stdout);
  }

  /** A global (or VM) extradata value, or undefined when none is set. */
  async extraData(target: string, key: string): Promise<string | undefined> {
    const { stdout } = await this.vbox.run(['getextradata', target, key]);
    const value = /^Value: (.*)$/m.exec(stdout.replace(/\r/g, ''));
    return value ? value[1] : undefined;
  }

  /** The ranges VirtualBox allows host-only adapters here, or undefined when it restricts none. */
  async allowedRanges(version: VBoxVersion): Promise<AllowedRanges | undefined> {
    if (this.settings.platform === 'win32' || !versionAtLeast(version, ...RANGES_ENFORCED_FROM)) return undefined;
    return readAllowedRanges(this.settings.env);
  }

  /** Adapters, routes and allowed ranges: what a new host-only network is checked against. */
  async networkView(version: VBoxVersion, adapters?: HostOnlyAdapter[]): Promise<HostNetworkView> {
    return {
      adapters: adapters ?? (await this.hostOnlyAdapters()),
      routes: this.settings.platform === 'linux' ? await readHostRoutes(this.settings.routeTablePath) : undefined,
      allowed: await this.allowedRanges(version),
    };
  }

  /** VBox.log of a VM (from its LogFldr), or undefined when it cannot be read. */
  async vmLog(info: Map<string, string>): Promise<string | undefined> {
    const folder = info.get('LogFldr');
    if (!folder) return undefined;
    return readFile(join(folder, 'VBox.log'), 'utf8').catch(() => undefined);
  }
}
