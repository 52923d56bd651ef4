import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GuestOwner } from '../guest/guest-vm.js';

/** Which host VirtualBox pretends to run on: error prefix, line endings, adapter names, networks.conf. */
export type VBoxPlatform = 'linux' | 'darwin' | 'windows';

/** What the test handle decided when it started the simulator (config.json in the state dir). */
export interface SimConfig {
  /** `--version` answer, e.g. `7.0.20r163906`. */
  version: string;
  platform: VBoxPlatform;
  /** false: the registry only, no containers (a start just flips the state). */
  guests: boolean;
  /** Set when guests is true: labels, images. */
  guest?: GuestOwner;
  /** The network a NAT adapter sits on (the session's test network): the forwarders' targets. */
  natNetwork?: { name: string; subnet: string; gateway: string };
  /** How long an ACPI power-off takes when there is no guest to shut down. */
  acpiDelayMs: number;
}

export const CONFIG_FILE = 'config.json';
export const REGISTRY_FILE = 'registry.json';
export const FAULTS_FILE = 'faults.json';
export const CALLS_FILE = 'calls.log';
export const FORWARDERS_DIR = 'forwarders';

export async function readSimConfig(stateDir: string): Promise<SimConfig> {
  return JSON.parse(await readFile(join(stateDir, CONFIG_FILE), 'utf8')) as SimConfig;
}

export async function writeSimConfig(stateDir: string, config: SimConfig): Promise<void> {
  await writeFile(join(stateDir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** `7.0.20r163906` / `6.1.26_Ubuntur145957` -> [7, 0, 20]. */
export function versionNumbers(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
}

/** VirtualBox >= 6.1.28 on Linux/macOS only lets host-only adapters use networks.conf's ranges. */
export function enforcesNetworksConf(config: SimConfig): boolean {
  if (config.platform === 'windows') return false;
  const [major, minor, patch] = versionNumbers(config.version);
  return major > 6 || (major === 6 && (minor > 1 || (minor === 1 && patch >= 28)));
}

/** 6.1 and later list DHCP servers with the new key names. */
export function newDhcpListing(config: SimConfig): boolean {
  const [major, minor] = versionNumbers(config.version);
  return major > 6 || (major === 6 && minor >= 1);
}
