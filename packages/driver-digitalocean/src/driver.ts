import { access, chmod, copyFile, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type BerthError,
  type BerthErrorOptions,
  type CallContext,
  type CreateFlag,
  type DriverCapabilities,
  type DriverConfigResult,
  type GetIpResult,
  type GetSshHostnameResult,
  type GetSshKeyPathResult,
  type GetSshPortResult,
  type GetSshUsernameResult,
  type GetStateResult,
  type GetUrlResult,
  InvalidFlagError,
  MachineNotRunningError,
  type MachineParams,
  type MachineState,
  MissingFlagError,
  type SetConfigFromFlagsParams,
  TimeoutError,
} from '@berth/driver-protocol';
import {
  BaseDriver,
  baseDriverConfig,
  boolFlag,
  createMachineKeyPair,
  InFlightCreates,
  intFlag,
  MachineJournal,
  sleep,
  stringFlag,
  throwIfCancelled,
} from '@berth/driver-sdk';
import { closeApiConnections, DigitalOceanClient, type Droplet, type PowerAction } from './api-client.js';
import { DigitalOceanApiError } from './api-error.js';
import { berthErrorFor } from './berth-error-for.js';
import { type DigitalOceanOwnConfig, readOwnConfig, splitTags, writeConfig } from './digitalocean-config.js';
import { DIGITALOCEAN_FLAGS } from './flags.js';

const VERSION = '0.1.0';
const ENGINE_PORT = 2376;
/** Bound on waiting for a new droplet's public address (Docker Machine waited forever). */
const IP_TIMEOUT_MS = 5 * 60_000;
/** Seconds; overrides {@link IP_TIMEOUT_MS} (a slow region, or a test). */
export const IP_TIMEOUT_ENV = 'BERTH_DIGITALOCEAN_IP_TIMEOUT';
/** Bound on a power action (power_on, shutdown, reboot, power_off) reaching `completed`. */
const ACTION_TIMEOUT_MS = 5 * 60_000;
const POLL_MS = 1_000;
/** Tag on every droplet Berth makes; `berth:<machine>` names the machine. */
export const BERTH_TAG = 'berth';
/** DigitalOcean's rules: tags are letters, digits, `:`, `-`, `_`, at most 255 characters. */
const TAG_PATTERN = /^[a-zA-Z0-9_:-]{1,255}$/;
/** DigitalOcean's rule for droplet names (the OpenAPI pattern). */
const DROPLET_NAME_PATTERN = /^[a-zA-Z0-9]?[a-z0-9A-Z.-]*[a-z0-9A-Z]$/;

/** Journal kinds, in the order resources are made (they are removed in reverse). */
const KIND_SSH_KEY = 'ssh-key';
const KIND_DROPLET = 'droplet';

/** The name of the account key Berth makes for a machine, and the machine's own droplet tag. */
export const berthKeyName = (machine: string) => `berth:${machine}`;
export const machineTag = (machine: string) => `berth:${machine.replace(/[^a-zA-Z0-9_:-]/g, '_')}`;

interface LeftBehind {
  kind: string;
  id: string;
  label: string;
  error: unknown;
}

/**
 * DigitalOcean droplets, through the DigitalOcean API v2 (or a compatible one at
 * `--digitalocean-api-url`). Every resource it makes is recorded in the machine's journal as soon
 * as the API returns its id, so a failed or interrupted create and `rm` remove exactly what exists.
 */
export class DigitalOceanDriver extends BaseDriver {
  readonly name = 'digitalocean';
  readonly version = VERSION;
  /** Creates running in this process, by machine dir: a remove of the same machine waits for them. */
  private readonly creating = new InFlightCreates();

  capabilities(): DriverCapabilities {
    return { powerControl: true, ssh: true, secretConfigKeys: ['AccessToken'] };
  }

  createFlags(): CreateFlag[] {
    return DIGITALOCEAN_FLAGS;
  }

  override async shutdown(): Promise<void> {
    await closeApiConnections();
  }

  override async setConfigFromFlags(params: SetConfigFromFlagsParams): Promise<DriverConfigResult> {
    const { flags, machine } = params;
    const token = stringFlag(flags, 'digitalocean-access-token').trim();
    if (!token) {
      throw new MissingFlagError('digitalocean driver requires the --digitalocean-access-token option', {
        actions: [
          'Give an API token with --digitalocean-access-token or DIGITALOCEAN_ACCESS_TOKEN (control panel: API > Tokens).',
        ],
        data: { flag: 'digitalocean-access-token' },
      });
    }
    const apiUrl = stringFlag(flags, 'digitalocean-api-url').trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(apiUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.username || parsed.password) {
      throw new InvalidFlagError(`--digitalocean-api-url "${apiUrl}" is not an http(s) URL`, {
        actions: ['Give the base URL of the API, e.g. https://api.digitalocean.com.'],
        data: { flag: 'digitalocean-api-url' },
      });
    }
    const sshPort = intFlag(flags, 'digitalocean-ssh-port');
    if (sshPort < 1 || sshPort > 65535) {
      throw new InvalidFlagError(`--digitalocean-ssh-port must be a port number from 1 to 65535, not "${sshPort}"`, {
        data: { flag: 'digitalocean-ssh-port' },
      });
    }
    const tags = splitTags(stringFlag(flags, 'digitalocean-tags'));
    const badTag = tags.find((tag) => !TAG_PATTERN.test(tag));
    if (badTag !== undefined) {
      throw new InvalidFlagError(`--digitalocean-tags: "${badTag}" is not a valid DigitalOcean tag`, {
        actions: ['Tags may contain letters, digits, colons, dashes and underscores, up to 255 characters.'],
        data: { flag: 'digitalocean-tags' },
      });
    }
    const own: DigitalOceanOwnConfig = {
      AccessToken: token,
      DropletID: 0,
      DropletName: '',
      Image: stringFlag(flags, 'digitalocean-image'),
      Region: stringFlag(flags, 'digitalocean-region'),
      SSHKeyID: 0,
      SSHKeyFingerprint: stringFlag(flags, 'digitalocean-ssh-key-fingerprint'),
      SSHKey: stringFlag(flags, 'digitalocean-ssh-key-path'),
      Size: stringFlag(flags, 'digitalocean-size'),
      IPv6: boolFlag(flags, 'digitalocean-ipv6'),
      Backups: boolFlag(flags, 'digitalocean-backups'),
      PrivateNetworking: boolFlag(flags, 'digitalocean-private-networking'),
      UserDataFile: stringFlag(flags, 'digitalocean-userdata'),
      Monitoring: boolFlag(flags, 'digitalocean-monitoring'),
      Tags: tags.join(','),
      APIURL: apiUrl.replace(/\/+$/, ''),
    };
    const driverConfig = writeConfig(machine, own, {
      SSHUser: stringFlag(flags, 'digitalocean-ssh-user') || 'root',
      SSHPort: sshPort,
    });
    return { driverConfig };
  }

  override async preCreateCheck(params: MachineParams, context: CallContext): Promise<void> {
    const { machine } = params;
    const own = readOwnConfig(machine.driverConfig);
    if (own.UserDataFile && !(await exists(own.UserDataFile))) {
      throw new InvalidFlagError(`user-data file ${own.UserDataFile} could not be found`, {
        actions: ['Give the path of an existing cloud-init file with --digitalocean-userdata.'],
        data: { flag: 'digitalocean-userdata' },
      });
    }
    if (own.SSHKey) {
      if (!own.SSHKeyFingerprint) {
        throw new InvalidFlagError(`ssh-key-fingerprint needs to be provided for "${own.SSHKey}"`, {
          actions: [
            'Give the fingerprint of the matching key of your DigitalOcean account with --digitalocean-ssh-key-fingerprint.',
          ],
          data: { flag: 'digitalocean-ssh-key-fingerprint' },
        });
      }
      if (!(await exists(own.SSHKey))) {
        throw new InvalidFlagError(`SSH key does not exist: "${own.SSHKey}"`, {
          actions: ['Give the path of an existing private key with --digitalocean-ssh-key-path.'],
          data: { flag: 'digitalocean-ssh-key-path' },
        });
      }
    }
    if (!DROPLET_NAME_PATTERN.test(machine.name) || machine.name.length > 255) {
      throw new InvalidFlagError(`"${machine.name}" cannot be a droplet name`, {
        actions: ['DigitalOcean droplet names start and end with a letter or digit: choose another machine name.'],
      });
    }
    const client = this.client(own, context);
    const regions = await api(() => client.regions(context.signal), 'could not list the DigitalOcean regions');
    const region = regions.find((candidate) => candidate.slug === own.Region);
    const slugs = regions
      .filter((candidate) => candidate.available)
      .map((candidate) => candidate.slug)
      .sort();
    if (!region?.available) {
      throw new InvalidFlagError(
        region ? `digitalocean region "${own.Region}" is not available` : 'digitalocean requires a valid region',
        {
          actions: [`Pick one of the available regions with --digitalocean-region: ${slugs.join(', ')}.`],
          data: { flag: 'digitalocean-region', region: own.Region },
        },
      );
    }
    if (!region.sizes.includes(own.Size)) {
      throw new InvalidFlagError(`digitalocean size "${own.Size}" is not available in region "${own.Region}"`, {
        actions: [`Sizes offered in ${own.Region}: ${[...region.sizes].sort().join(', ')}.`],
        data: { flag: 'digitalocean-size', size: own.Size, region: own.Region },
      });
    }
  }

  override async create(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    return this.creating.run(params.machine.machineDir, () => this.createDroplet(params, context));
  }

  private async createDroplet(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { machine } = params;
    const { signal } = context;
    const own = readOwnConfig(machine.driverConfig);
    const client = this.client(own, context);
    const journal = new MachineJournal(machine.machineDir);
    let sshKeyPath = '';

    if (own.SSHKeyFingerprint) {
      const fingerprint = own.SSHKeyFingerprint;
      const key = await api(
        () => client.sshKey(fingerprint, signal),
        `could not look up the SSH key with fingerprint ${fingerprint}`,
        (error) =>
          error.notFound
            ? new InvalidFlagError(`Digital Ocean SSH key with fingerprint ${fingerprint} doesn't exist`, {
                actions: ['Check --digitalocean-ssh-key-fingerprint against the keys under Settings > Security.'],
                data: { flag: 'digitalocean-ssh-key-fingerprint', requestId: error.requestId },
              })
            : undefined,
      );
      own.SSHKeyID = key.id;
      if (own.SSHKey) {
        sshKeyPath = join(machine.machineDir, basename(own.SSHKey));
        await copyFile(own.SSHKey, sshKeyPath);
        await chmod(sshKeyPath, 0o600);
        await copyFile(`${own.SSHKey}.pub`, `${sshKeyPath}.pub`).catch(() => undefined);
      } else {
        context.log('info', 'Assuming Digital Ocean private SSH is located at ~/.ssh/id_rsa');
      }
    } else {
      context.progress('Creating SSH key...');
      const pair = await createMachineKeyPair(machine.machineDir, berthKeyName(machine.name));
      throwIfCancelled(signal, 'creating the SSH key');
      const key = await api(
        () => client.createSshKey(berthKeyName(machine.name), pair.publicKey, signal),
        'could not create the SSH key',
      );
      await journal.record(KIND_SSH_KEY, String(key.id));
      own.SSHKeyID = key.id;
      sshKeyPath = pair.privateKeyPath;
    }
    throwIfCancelled(signal, 'creating the SSH key');

    context.progress('Creating Digital Ocean droplet...');
    const userData = own.UserDataFile ? await readFile(own.UserDataFile, 'utf8') : '';
    const droplet = await api(
      () =>
        client.createDroplet(
          {
            name: machine.name,
            region: own.Region,
            size: own.Size,
            image: own.Image,
            ssh_keys: [own.SSHKeyID],
            backups: own.Backups,
            ipv6: own.IPv6,
            private_networking: own.PrivateNetworking,
            monitoring: own.Monitoring,
            ...(userData ? { user_data: userData } : {}),
            tags: [...splitTags(own.Tags), BERTH_TAG, machineTag(machine.name)],
          },
          signal,
        ),
      'could not create the droplet',
    );
    await journal.record(KIND_DROPLET, String(droplet.id), own.Region);
    own.DropletID = droplet.id;
    own.DropletName = droplet.name;
    throwIfCancelled(signal, 'creating the droplet');

    context.progress('Waiting for IP address to be assigned to the Droplet...');
    const ip = await this.waitForPublicIp(client, droplet.id, signal);
    context.log('info', `Created droplet ${droplet.id} with IP address ${ip}`);
    return { driverConfig: writeConfig(machine, own, { IPAddress: ip, SSHKeyPath: sshKeyPath }) };
  }

  private async waitForPublicIp(client: DigitalOceanClient, id: number, signal: AbortSignal): Promise<string> {
    const timeoutMs = ipTimeoutMs();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const droplet = await api(() => client.droplet(id, signal), `could not read droplet ${id}`);
      const ip = publicIpv4(droplet);
      if (ip) return ip;
      if (Date.now() >= deadline) {
        throw new TimeoutError(
          `droplet ${id} got no public IPv4 address within ${Math.round(timeoutMs / 1000)} s (status "${droplet.status}")`,
          {
            actions: [
              `Look at droplet ${id} in the DigitalOcean control panel; set ${IP_TIMEOUT_ENV} (seconds) to wait longer.`,
            ],
            data: { dropletId: id },
          },
        );
      }
      await sleep(POLL_MS, signal, 'waiting for the droplet to get an IP address');
    }
  }

  override async remove(params: MachineParams, context: CallContext): Promise<void> {
    const { machine } = params;
    // A create of this machine still running here (the host cancelled it and rolls back) may
    // be waiting for a POST's answer: let it record what it made first.
    await this.creating.settled(machine.machineDir);
    const own = readOwnConfig(machine.driverConfig);
    const journal = new MachineJournal(machine.machineDir);
    const entries = await journal.entries();
    const ids = (kind: string, fromConfig: number) => {
      const found = entries.filter((entry) => entry.kind === kind).map((entry) => entry.id);
      if (fromConfig > 0) found.push(String(fromConfig));
      return [...new Set(found)];
    };
    const droplets = ids(KIND_DROPLET, own.DropletID);
    // A key given by fingerprint is the user's own and is never deleted.
    const keys = ids(KIND_SSH_KEY, own.SSHKeyFingerprint ? 0 : own.SSHKeyID);
    if (droplets.length === 0 && keys.length === 0) return;
    const client = this.client(own, context);
    const left: LeftBehind[] = [];
    const targets = [
      ...droplets.map((id) => ({ kind: KIND_DROPLET, id, label: `droplet ${id}` })),
      ...keys.map((id) => ({ kind: KIND_SSH_KEY, id, label: `SSH key ${id}` })),
    ];
    for (const target of targets) {
      try {
        if (target.kind === KIND_DROPLET) await client.deleteDroplet(target.id, context.signal);
        else await client.deleteSshKey(target.id, context.signal);
        context.progress(`Deleted ${target.label}`);
      } catch (error) {
        if (!(error instanceof DigitalOceanApiError && error.notFound)) {
          left.push({ ...target, error });
          continue;
        }
        context.log('info', `Digital Ocean ${target.label} doesn't exist, assuming it is already deleted`);
      }
      await journal.forget(target.kind, target.id);
    }
    if (left.length > 0) throw leftBehindError(machine.name, left);
  }

  override async getState(params: MachineParams, context: CallContext): Promise<GetStateResult> {
    const own = readOwnConfig(params.machine.driverConfig);
    if (own.DropletID <= 0) return { state: 'None' };
    const droplet = await this.readDroplet(params, own, context);
    return { state: stateOf(droplet.status) };
  }

  override async getUrl(params: MachineParams, context: CallContext): Promise<GetUrlResult> {
    const { IPAddress } = baseDriverConfig(params.machine);
    if ((await this.getState(params, context)).state !== 'Running') {
      throw new MachineNotRunningError('Host is not running', {
        actions: [`Start it with \`berth start ${params.machine.name}\`.`],
      });
    }
    if (!IPAddress) return { url: '' };
    return { url: `tcp://${IPAddress}:${ENGINE_PORT}` };
  }

  override async getIp(params: MachineParams): Promise<GetIpResult> {
    const { IPAddress } = baseDriverConfig(params.machine);
    if (!IPAddress) throw new MachineNotRunningError('IP address is not set');
    return { ip: IPAddress };
  }

  override async getSshHostname(params: MachineParams): Promise<GetSshHostnameResult> {
    return { hostname: (await this.getIp(params)).ip };
  }

  override async getSshPort(params: MachineParams): Promise<GetSshPortResult> {
    return { port: baseDriverConfig(params.machine).SSHPort || 22 };
  }

  override async getSshUsername(params: MachineParams): Promise<GetSshUsernameResult> {
    return { username: baseDriverConfig(params.machine).SSHUser || 'root' };
  }

  override async getSshKeyPath(params: MachineParams): Promise<GetSshKeyPathResult> {
    return { keyPath: baseDriverConfig(params.machine).SSHKeyPath };
  }

  override start(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    return this.power(params, context, 'power_on');
  }

  override stop(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    return this.power(params, context, 'shutdown');
  }

  override restart(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    return this.power(params, context, 'reboot');
  }

  override kill(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    return this.power(params, context, 'power_off');
  }

  /**
   * Posts a power action and waits (bounded) until DigitalOcean reports it completed. After a boot
   * the droplet's public address is read again: it is returned in the config if it changed.
   */
  private async power(params: MachineParams, context: CallContext, type: PowerAction): Promise<DriverConfigResult> {
    const { machine } = params;
    const own = readOwnConfig(machine.driverConfig);
    const id = own.DropletID;
    if (id <= 0) throw new MachineNotRunningError(`machine "${machine.name}" has no droplet`);
    const client = this.client(own, context);
    const { signal } = context;
    let action = await api(() => client.dropletAction(id, type, signal), `could not ${type} droplet ${id}`);
    const deadline = Date.now() + ACTION_TIMEOUT_MS;
    while (action.status === 'in-progress') {
      if (Date.now() >= deadline) {
        throw new TimeoutError(
          `the ${type} action ${action.id} on droplet ${id} did not complete within ${ACTION_TIMEOUT_MS / 1000} s`,
          { actions: [`Look at droplet ${id} in the DigitalOcean control panel, then retry.`] },
        );
      }
      await sleep(POLL_MS, signal, `waiting for the ${type} action of droplet ${id}`);
      const actionId = action.id;
      action = await api(() => client.action(id, actionId, signal), `could not read action ${actionId}`);
    }
    if (action.status === 'errored') {
      throw new TimeoutError(`the ${type} action ${action.id} on droplet ${id} failed at DigitalOcean`, {
        actions: [`Look at droplet ${id} in the DigitalOcean control panel, then retry.`],
        data: { dropletId: id, actionId: action.id },
      });
    }
    if (type === 'shutdown' || type === 'power_off') return { driverConfig: machine.driverConfig };
    const droplet = await this.readDroplet(params, own, context);
    const ip = publicIpv4(droplet) || baseDriverConfig(machine).IPAddress;
    return { driverConfig: writeConfig(machine, own, { IPAddress: ip }) };
  }

  private async readDroplet(params: MachineParams, own: DigitalOceanOwnConfig, context: CallContext): Promise<Droplet> {
    const id = own.DropletID;
    return api(
      () => this.client(own, context).droplet(id, context.signal),
      `could not read droplet ${id}`,
      (error) =>
        error.notFound
          ? new MachineNotRunningError(`droplet ${id} of machine "${params.machine.name}" does not exist any more`, {
              actions: [
                `It was deleted outside Berth: remove the machine with \`berth rm -f ${params.machine.name}\`.`,
              ],
              data: { dropletId: id, requestId: error.requestId },
            })
          : undefined,
    );
  }

  private client(own: DigitalOceanOwnConfig, context: CallContext): DigitalOceanClient {
    return new DigitalOceanClient({
      apiUrl: own.APIURL,
      token: own.AccessToken,
      userAgent: `berth-driver-digitalocean/${VERSION}`,
      onRateLimited: (waitMs) =>
        context.progress(`DigitalOcean API rate limit reached; retrying in ${Math.ceil(waitMs / 1000)} s...`),
    });
  }
}

/**
 * Runs one API call and turns its failure into what the user sees. `special` may claim an API
 * error first (a 404 that means something particular here).
 */
async function api<T>(
  call: () => Promise<T>,
  failed: string,
  special?: (error: DigitalOceanApiError) => BerthError | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DigitalOceanApiError) throw special?.(error) ?? berthErrorFor(error, failed);
    throw berthErrorFor(error, failed);
  }
}

/** Docker Machine's mapping of droplet status to machine state. */
function stateOf(status: string): MachineState {
  switch (status) {
    case 'new':
      return 'Starting';
    case 'active':
      return 'Running';
    case 'off':
      return 'Stopped';
    default:
      return 'None';
  }
}

function publicIpv4(droplet: Droplet): string {
  return droplet.networks.v4?.find((network) => network.type === 'public')?.ip_address ?? '';
}

function ipTimeoutMs(): number {
  const seconds = Number(process.env[IP_TIMEOUT_ENV]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : IP_TIMEOUT_MS;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * What `rm` (or a rolled-back create) could not delete. The message itself says how to delete
 * each resource by hand: hosts print the message of a failed remove without its actions.
 */
function leftBehindError(machine: string, left: LeftBehind[]): BerthError {
  const howTo = (item: LeftBehind) =>
    item.kind === KIND_DROPLET
      ? `delete it in the DigitalOcean control panel (https://cloud.digitalocean.com/droplets/${item.id}) or with \`doctl compute droplet delete ${item.id}\``
      : `delete it under Settings > Security in the DigitalOcean control panel or with \`doctl compute ssh-key delete ${item.id}\``;
  const parts = left.map((item) => {
    const reason = item.error instanceof Error ? item.error.message : String(item.error);
    return `${item.label} is left (${reason}): ${howTo(item)}`;
  });
  const shaped = berthErrorFor(left[0]?.error, 'left behind');
  const Shape = shaped.constructor as new (message: string, options: BerthErrorOptions) => BerthError;
  return new Shape(`could not delete every DigitalOcean resource of machine "${machine}": ${parts.join('; ')}`, {
    actions: [
      ...left.map((item) => `${item.label.charAt(0).toUpperCase()}${item.label.slice(1)}: ${howTo(item)}.`),
      `Or run \`berth rm ${machine}\` again while the machine is still listed: Berth keeps what is left in its journal.`,
      ...shaped.actions,
    ],
    data: { ...shaped.data, left: left.map(({ kind, id }) => ({ kind, id })) },
  });
}
