import type { DriverConfig, MachineContext } from '@berth/driver-protocol';
import { composeDriverConfig } from '@berth/driver-sdk';
import { DEFAULT_API_URL } from './flags.js';

/**
 * The digitalocean driver's own keys of the `Driver` object in config.json: Docker Machine's, in
 * its order, so stores written by docker-machine load unchanged, plus `APIURL` (Berth).
 */
export interface DigitalOceanOwnConfig {
  /** The API token. Kept, as docker-machine did, because every later call needs it; declared secret. */
  AccessToken: string;
  /** 0 until the droplet exists. */
  DropletID: number;
  DropletName: string;
  Image: string;
  Region: string;
  /** The account key the droplet was given: created by the driver, or the user's (fingerprint). */
  SSHKeyID: number;
  /** The user's existing account key (`--digitalocean-ssh-key-fingerprint`); such a key is never deleted. */
  SSHKeyFingerprint: string;
  /** The private key path the user gave (`--digitalocean-ssh-key-path`); SSHKeyPath is Berth's copy. */
  SSHKey: string;
  Size: string;
  IPv6: boolean;
  Backups: boolean;
  PrivateNetworking: boolean;
  UserDataFile: string;
  Monitoring: boolean;
  /** The user's tags, comma-separated (Berth adds its own marker tags on the droplet). */
  Tags: string;
  /** Base URL of the API the machine lives behind (Berth; absent in docker-machine stores). */
  APIURL: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const integer = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) ? value : 0);

/** Reads the driver's keys leniently: a store written by docker-machine has no `APIURL`. */
export function readOwnConfig(config: DriverConfig): DigitalOceanOwnConfig {
  return {
    AccessToken: text(config.AccessToken),
    DropletID: integer(config.DropletID),
    DropletName: text(config.DropletName),
    Image: text(config.Image),
    Region: text(config.Region),
    SSHKeyID: integer(config.SSHKeyID),
    SSHKeyFingerprint: text(config.SSHKeyFingerprint),
    SSHKey: text(config.SSHKey),
    Size: text(config.Size),
    IPv6: config.IPv6 === true,
    Backups: config.Backups === true,
    PrivateNetworking: config.PrivateNetworking === true,
    UserDataFile: text(config.UserDataFile),
    Monitoring: config.Monitoring === true,
    Tags: text(config.Tags),
    APIURL: text(config.APIURL) || DEFAULT_API_URL,
  };
}

/** The complete driver config: base keys (with overrides), the driver's keys, then unknown keys kept. */
export function writeConfig(
  machine: MachineContext,
  own: DigitalOceanOwnConfig,
  base: { IPAddress?: string; SSHUser?: string; SSHPort?: number; SSHKeyPath?: string } = {},
): DriverConfig {
  return composeDriverConfig(machine, base, { ...own });
}

/** The user's tags as a list: split on commas, trimmed, empties dropped (Docker Machine's rule). */
export function splitTags(tags: string): string[] {
  return tags
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}
