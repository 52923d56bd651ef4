import { randomUUID } from 'node:crypto';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IpPermission, RunInstancesCommandInput, SecurityGroup } from '@aws-sdk/client-ec2';
import { type CallContext, InvalidFlagError, isBerthError, TimeoutError } from '@berth/driver-protocol';
import type { MachineJournal } from '@berth/driver-sdk';
import { createMachineKeyPair, sleep } from '@berth/driver-sdk';
import type { Ec2Api } from './ec2-api.js';
import { availabilityZone, type Ec2Config, usesPrivateAddress } from './ec2-config.js';
import { INSTANCE, KEY_PAIR, PENDING, SECURITY_GROUP, SPOT_REQUEST } from './resource-cleanup.js';
import { berthTags, madeByBerth, userTags } from './resource-tags.js';
import { waitLimitMs } from './wait.js';

export interface LaunchOptions {
  api: Ec2Api;
  config: Ec2Config;
  machineName: string;
  machineDir: string;
  journal: MachineJournal;
  context: CallContext;
}

/** The machine's SSH key in its directory: generated, or copied from `--amazonec2-ssh-keypath`. */
async function prepareSshKey(config: Ec2Config, machineDir: string, machineName: string): Promise<string> {
  const privatePath = join(machineDir, 'id_rsa');
  if (config.SSHPrivateKeyPath) {
    await copyFile(config.SSHPrivateKeyPath, privatePath);
    await chmod(privatePath, 0o600);
    let publicKey: string;
    try {
      publicKey = (await readFile(`${config.SSHPrivateKeyPath}.pub`, 'utf8')).trim();
    } catch {
      throw new InvalidFlagError(
        `--amazonec2-ssh-keypath ${config.SSHPrivateKeyPath} has no public key next to it (.pub)`,
        {
          actions: [`Put the public key in ${config.SSHPrivateKeyPath}.pub (ssh-keygen -y -f KEY > KEY.pub).`],
          data: { flag: 'amazonec2-ssh-keypath' },
        },
      );
    }
    await writeFile(`${privatePath}.pub`, `${publicKey}\n`, { mode: 0o644 });
    return publicKey;
  }
  return (await createMachineKeyPair(machineDir, `berth-${machineName}`, 3072)).publicKey;
}

/** The ports the machine needs open: SSH, Docker's TLS port, a Swarm master's port, `--amazonec2-open-port`. */
export function wantedPermissions(config: Ec2Config): IpPermission[] {
  const ports: Array<{ port: number; protocol: string }> = [
    { port: config.SSHPort, protocol: 'tcp' },
    { port: 2376, protocol: 'tcp' },
  ];
  if (config.SwarmMaster) {
    const port = Number(/:(\d+)\s*$/.exec(config.SwarmHost)?.[1] ?? 3376);
    ports.push({ port, protocol: 'tcp' });
  }
  for (const spec of config.OpenPorts) {
    const [port, protocol = 'tcp'] = spec.split('/');
    ports.push({ port: Number(port), protocol });
  }
  const unique = new Map(ports.map((p) => [`${p.protocol}/${p.port}`, p]));
  return [...unique.values()].map(({ port, protocol }) => ({
    IpProtocol: protocol,
    FromPort: port,
    ToPort: port,
    IpRanges: [{ CidrIp: '0.0.0.0/0' }],
  }));
}

function hasPermission(group: SecurityGroup, wanted: IpPermission): boolean {
  return (group.IpPermissions ?? []).some(
    (p) =>
      p.IpProtocol === wanted.IpProtocol &&
      p.FromPort === wanted.FromPort &&
      (p.IpRanges ?? []).some((range) => range.CidrIp === '0.0.0.0/0'),
  );
}

/**
 * Finds the security groups by name in the machine's VPC, creates the missing ones (tagged, and
 * journaled the moment EC2 returns their id), and opens the ports the machine needs.
 */
async function ensureSecurityGroups(options: LaunchOptions): Promise<string[]> {
  const { api, config, journal, context, machineName } = options;
  const signal = context.signal;
  const names = config.SecurityGroupNames.length > 0 ? config.SecurityGroupNames : ['docker-machine'];
  context.progress(`Configuring security groups (${names.join(', ')}) in ${config.VpcId}...`);
  const describe = async () =>
    (
      await api.describeSecurityGroups(
        {
          Filters: [
            { Name: 'group-name', Values: names },
            { Name: 'vpc-id', Values: [config.VpcId] },
          ],
        },
        signal,
      )
    ).SecurityGroups ?? [];
  const groups = new Map<string, SecurityGroup>();
  for (const group of await describe()) if (group.GroupName) groups.set(group.GroupName, group);
  for (const name of names) {
    const existing = groups.get(name);
    if (existing?.GroupId) {
      // A group Berth made for another machine is shared: the last machine using it removes it.
      if (madeByBerth(existing.Tags)) await journal.record(SECURITY_GROUP, existing.GroupId, config.VpcId);
      continue;
    }
    await journal.record(`${PENDING}${SECURITY_GROUP}`, name, config.VpcId);
    try {
      const created = await api.createSecurityGroup(
        {
          GroupName: name,
          Description: 'Docker Machine (Berth)',
          VpcId: config.VpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: berthTags(machineName, config.Id, name) }],
        },
        signal,
      );
      const groupId = created.GroupId as string;
      await journal.record(SECURITY_GROUP, groupId, config.VpcId);
      await journal.forget(`${PENDING}${SECURITY_GROUP}`, name);
      groups.set(name, { GroupId: groupId, GroupName: name, VpcId: config.VpcId, IpPermissions: [] });
    } catch (error) {
      // Another create made it meanwhile: use theirs.
      if (!isBerthError(error) || error.data.awsCode !== 'InvalidGroup.Duplicate') throw error;
      await journal.forget(`${PENDING}${SECURITY_GROUP}`, name);
      const again = (await describe()).find((group) => group.GroupName === name);
      if (!again?.GroupId) throw error;
      if (madeByBerth(again.Tags)) await journal.record(SECURITY_GROUP, again.GroupId, config.VpcId);
      groups.set(name, again);
    }
  }
  if (!config.SecurityGroupReadOnly) {
    for (const group of groups.values()) {
      const missing = wantedPermissions(config).filter((permission) => !hasPermission(group, permission));
      if (missing.length === 0) continue;
      try {
        await api.authorizeSecurityGroupIngress({ GroupId: group.GroupId, IpPermissions: missing }, signal);
      } catch (error) {
        // A concurrent create added the same rule: that is what we wanted.
        if (!isBerthError(error) || error.data.awsCode !== 'InvalidPermission.Duplicate') throw error;
      }
    }
  }
  return names.map((name) => groups.get(name)?.GroupId as string);
}

/** Polls the new instance until it has the address Berth will use (bounded; fails fast if it dies). */
async function waitForAddress(api: Ec2Api, config: Ec2Config, instanceId: string, context: CallContext) {
  const deadline = Date.now() + waitLimitMs();
  const wantPrivate = usesPrivateAddress(config);
  let delay = 250;
  for (;;) {
    try {
      const found = await api.describeInstances({ InstanceIds: [instanceId] }, context.signal);
      const instance = found.Reservations?.[0]?.Instances?.[0];
      const state = instance?.State?.Name;
      if (state === 'terminated' || state === 'shutting-down') {
        throw new InvalidFlagError(
          `instance ${instanceId} was ${state} by EC2 while starting: ${instance?.StateReason?.Message ?? 'no reason given'}`,
          { actions: ['Check the instance type, AMI and quotas of the region, then create again.'] },
        );
      }
      const address = wantPrivate ? instance?.PrivateIpAddress : instance?.PublicIpAddress;
      if (address) {
        return {
          address,
          privateAddress: instance?.PrivateIpAddress ?? '',
          spotInstanceRequestId: instance?.SpotInstanceRequestId ?? '',
        };
      }
    } catch (error) {
      // EC2 is eventually consistent: a new instance may be unknown for a moment.
      if (!isBerthError(error) || error.data.awsCode !== 'InvalidInstanceID.NotFound') throw error;
    }
    if (Date.now() >= deadline) {
      throw new TimeoutError(
        `instance ${instanceId} got no ${wantPrivate ? 'private' : 'public'} IP address within ${Math.round(waitLimitMs() / 1000)} s`,
        {
          actions: [
            wantPrivate
              ? 'Check the subnet has free addresses.'
              : 'Check that the subnet gives public addresses, or use --amazonec2-use-private-address from inside the VPC.',
          ],
          data: { instanceId },
        },
      );
    }
    await sleep(delay, context.signal);
    delay = Math.min(delay * 2, 3_000);
  }
}

/**
 * The body of `machine/create`: key pair, security groups, instance (spot through RunInstances'
 * market options), then its address. Every resource is journaled as soon as EC2 returns its id,
 * before the next call. Returns the config to store; on failure the caller rolls back.
 */
export async function launchMachine(options: LaunchOptions): Promise<Ec2Config> {
  const { api, journal, context, machineName, machineDir } = options;
  const config = { ...options.config };
  const signal = context.signal;

  const publicKeyReady = config.ExistingKey ? Promise.resolve('') : prepareSshKey(config, machineDir, machineName);
  publicKeyReady.catch(() => undefined);
  if (config.ExistingKey) {
    const privatePath = join(machineDir, 'id_rsa');
    await copyFile(config.SSHPrivateKeyPath, privatePath);
    await chmod(privatePath, 0o600);
  }
  config.SSHKeyPath = join(machineDir, 'id_rsa');

  const groupIds = await ensureSecurityGroups({ ...options, config });
  config.SecurityGroupIds = groupIds;

  const publicKey = await publicKeyReady;
  if (!config.ExistingKey) {
    config.KeyName = `${machineName}-${config.Id.slice(0, 8)}`;
    context.progress(`Importing key pair ${config.KeyName}...`);
    await journal.record(`${PENDING}${KEY_PAIR}`, config.KeyName);
    await api.importKeyPair(
      {
        KeyName: config.KeyName,
        PublicKeyMaterial: new TextEncoder().encode(publicKey),
        TagSpecifications: [{ ResourceType: 'key-pair', Tags: berthTags(machineName, config.Id) }],
      },
      signal,
    );
    await journal.record(KEY_PAIR, config.KeyName);
    await journal.forget(`${PENDING}${KEY_PAIR}`, config.KeyName);
  }

  const userData = config.UserDataFile ? (await readFile(config.UserDataFile)).toString('base64') : undefined;
  const tags = [...berthTags(machineName, config.Id), ...userTags(config.Tags)];
  const clientToken = randomUUID();
  const input: RunInstancesCommandInput = {
    ImageId: config.AMI,
    MinCount: 1,
    MaxCount: 1,
    ClientToken: clientToken,
    KeyName: config.KeyName,
    InstanceType: config.InstanceType as never,
    Placement: { AvailabilityZone: availabilityZone(config) },
    NetworkInterfaces: [
      {
        DeviceIndex: 0,
        SubnetId: config.SubnetId,
        Groups: groupIds,
        AssociatePublicIpAddress: !config.PrivateIPOnly,
        DeleteOnTermination: true,
      },
    ],
    BlockDeviceMappings: [
      {
        DeviceName: config.DeviceName,
        Ebs: { VolumeSize: config.RootSize, VolumeType: config.VolumeType as never, DeleteOnTermination: true },
      },
    ],
    Monitoring: { Enabled: config.Monitoring },
    EbsOptimized: config.UseEbsOptimizedInstance,
    MetadataOptions: { HttpTokens: config.HttpTokens as never, HttpEndpoint: config.HttpEndpoint as never },
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
      ...(config.RequestSpotInstance ? [{ ResourceType: 'spot-instances-request' as const, Tags: tags }] : []),
    ],
    ...(config.IamInstanceProfile ? { IamInstanceProfile: { Name: config.IamInstanceProfile } } : {}),
    ...(userData ? { UserData: userData } : {}),
    ...(config.RequestSpotInstance
      ? {
          InstanceMarketOptions: {
            MarketType: 'spot',
            SpotOptions: {
              SpotInstanceType: 'one-time',
              InstanceInterruptionBehavior: 'terminate',
              ...(config.SpotPrice ? { MaxPrice: config.SpotPrice } : {}),
              ...(config.BlockDurationMinutes ? { BlockDurationMinutes: config.BlockDurationMinutes } : {}),
            },
          },
        }
      : {}),
  };
  context.progress(
    config.RequestSpotInstance
      ? `Launching a spot instance (${config.InstanceType}${config.SpotPrice ? `, at most $${config.SpotPrice}/h` : ''}) in ${availabilityZone(config)}...`
      : `Launching an instance (${config.InstanceType}) in ${availabilityZone(config)}...`,
  );
  await journal.record(`${PENDING}${INSTANCE}`, clientToken);
  const launched = await api.runInstances(input, signal);
  const instance = launched.Instances?.[0];
  const instanceId = instance?.InstanceId as string;
  await journal.record(INSTANCE, instanceId, availabilityZone(config));
  if (instance?.SpotInstanceRequestId) await journal.record(SPOT_REQUEST, instance.SpotInstanceRequestId);
  await journal.forget(`${PENDING}${INSTANCE}`, clientToken);
  config.InstanceId = instanceId;
  config.ReservationId = launched.ReservationId ?? '';
  config.SpotInstanceRequestId = instance?.SpotInstanceRequestId ?? '';

  context.progress(`Waiting for instance ${instanceId} to get an IP address...`);
  const { address, privateAddress, spotInstanceRequestId } = await waitForAddress(api, config, instanceId, context);
  if (spotInstanceRequestId && !config.SpotInstanceRequestId) {
    // EC2 may name the spot request only once the instance is described.
    await journal.record(SPOT_REQUEST, spotInstanceRequestId);
    config.SpotInstanceRequestId = spotInstanceRequestId;
  }
  config.IPAddress = address;
  config.PrivateIPAddress = privateAddress;
  context.progress(`Instance ${instanceId} is at ${address}`);
  return config;
}
