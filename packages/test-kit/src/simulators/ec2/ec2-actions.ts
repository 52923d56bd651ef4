import { Ec2ApiError } from './ec2-api-error.js';
import { type Filter, matchesFilters, readFilters } from './ec2-filters.js';
import {
  renderInstance,
  renderInstanceState,
  renderKeyPair,
  renderSecurityGroup,
  renderSpotRequest,
  renderSubnet,
  renderVpc,
} from './ec2-render.js';
import {
  type Ec2World,
  type InstanceStateName,
  keyFingerprint,
  newId,
  OWNER_ID,
  type SimInstance,
  type SimPermission,
  type SimSecurityGroup,
  type SimSpotRequest,
  STATE_CODES,
} from './ec2-world.js';
import { el, members, set, tagSet, type XmlNode } from './ec2-xml.js';
import type { InstanceMachine } from './instance-machines.js';
import { type QueryTree, type QueryValue, q } from './query-params.js';

/** What a RunInstances launches: the simulator decides (a real test host, or a virtual machine). */
export interface LaunchRequest {
  instanceId: string;
  /** OpenSSH public key of the key pair named in the request, if any. */
  publicKey: string | undefined;
}

export interface ActionOptions {
  launch: (request: LaunchRequest) => InstanceMachine;
  /** One-shot: the next launched instance never gets an address (stays pending). */
  takeNoAddressFault: () => boolean;
}

type Handler = (params: QueryTree) => Promise<XmlNode> | XmlNode;

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

function tagsFor(params: QueryTree, resourceType: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of q.list(params, 'TagSpecification')) {
    if (q.str(spec, 'ResourceType') !== resourceType) continue;
    for (const tag of q.list(spec, 'Tag')) tags.set(q.str(tag, 'Key') ?? '', q.str(tag, 'Value') ?? '');
  }
  return tags;
}

function checkTagSpecifications(params: QueryTree, allowed: string[]): void {
  for (const spec of q.list(params, 'TagSpecification')) {
    const type = q.str(spec, 'ResourceType') ?? '';
    if (!allowed.includes(type)) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `'${type}' is not a valid taggable resource type for this operation.`,
      );
    }
    for (const tag of q.list(spec, 'Tag')) {
      const key = q.str(tag, 'Key') ?? '';
      if (key.toLowerCase().startsWith('aws:')) {
        throw new Ec2ApiError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
      }
    }
  }
}

function required(params: QueryTree, name: string): string {
  const value = q.str(params, name);
  if (value === undefined || value === '') {
    throw new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name}`);
  }
  return value;
}

function notFoundList(ids: string[], singular: string, plural: string): string {
  return ids.length === 1
    ? `The ${singular} '${ids[0]}' does not exist`
    : `The ${plural} '${ids.join(', ')}' do not exist`;
}

/** Throws `code` when any of `ids` is unknown: EC2 reports all missing ids of a call in one error. */
function requireKnown(
  known: { has(id: string): boolean },
  ids: string[],
  code: string,
  message: (missing: string[]) => string,
): void {
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw new Ec2ApiError(code, message(missing));
}

function page<T>(items: T[], params: QueryTree): { items: T[]; nextToken: string | undefined } {
  const max = q.int(params, 'MaxResults');
  const start = Number(Buffer.from(q.str(params, 'NextToken') ?? '', 'base64').toString() || '0');
  if (max === undefined) return { items: items.slice(start), nextToken: undefined };
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
  return { items: slice, nextToken: next };
}

/** The EC2 actions the amazonec2 driver uses, with EC2's validation and error codes. */
export class Ec2Actions {
  readonly handlers: Record<string, Handler>;

  constructor(
    private readonly world: Ec2World,
    private readonly options: ActionOptions,
  ) {
    this.handlers = {
      DescribeAccountAttributes: (p) => this.describeAccountAttributes(p),
      DescribeVpcs: (p) => this.describeVpcs(p),
      DescribeSubnets: (p) => this.describeSubnets(p),
      DescribeKeyPairs: (p) => this.describeKeyPairs(p),
      ImportKeyPair: (p) => this.importKeyPair(p),
      DeleteKeyPair: (p) => this.deleteKeyPair(p),
      DescribeSecurityGroups: (p) => this.describeSecurityGroups(p),
      CreateSecurityGroup: (p) => this.createSecurityGroup(p),
      AuthorizeSecurityGroupIngress: (p) => this.authorizeIngress(p),
      DeleteSecurityGroup: (p) => this.deleteSecurityGroup(p),
      RunInstances: (p) => this.runInstances(p),
      DescribeInstances: (p) => this.describeInstances(p),
      StartInstances: (p) => this.changeInstances(p, 'start'),
      StopInstances: (p) => this.changeInstances(p, q.bool(p, 'Force') ? 'kill' : 'stop'),
      RebootInstances: (p) => this.rebootInstances(p),
      TerminateInstances: (p) => this.changeInstances(p, 'terminate'),
      CreateTags: (p) => this.createTags(p),
      DescribeSpotInstanceRequests: (p) => this.describeSpotRequests(p),
      CancelSpotInstanceRequests: (p) => this.cancelSpotRequests(p),
    };
  }

  // ------------------------------------------------------------------ account, VPCs, subnets

  private describeAccountAttributes(params: QueryTree): XmlNode {
    const names = q.strings(params, 'AttributeName');
    const all: Record<string, string[]> = {
      'default-vpc': [this.world.defaultVpc()?.vpcId ?? 'none'],
      'supported-platforms': ['VPC'],
      'max-instances': ['20'],
    };
    const wanted = names.length > 0 ? names : Object.keys(all);
    for (const name of wanted) {
      if (!all[name])
        throw new Ec2ApiError('InvalidParameterValue', `Value (${name}) for parameter attributeName is invalid.`);
    }
    return set('accountAttributeSet', wanted, (name) =>
      members(
        el('attributeName', name),
        set('attributeValueSet', all[name] ?? [], (value) => el('attributeValue', value)),
      ),
    );
  }

  private describeVpcs(params: QueryTree): XmlNode {
    const ids = q.strings(params, 'VpcId');
    for (const id of ids) this.world.vpc(id);
    const filters = readFilters(params);
    const vpcs = [...this.world.vpcs.values()].filter(
      (vpc) =>
        (ids.length === 0 || ids.includes(vpc.vpcId)) &&
        matchesFilters(
          filters,
          (name) =>
            ({
              'vpc-id': [vpc.vpcId],
              'is-default': [String(vpc.isDefault)],
              isDefault: [String(vpc.isDefault)],
              state: ['available'],
              'cidr-block': [vpc.cidrBlock],
              'owner-id': [OWNER_ID],
            })[name],
          vpc.tags,
        ),
    );
    return set('vpcSet', vpcs, renderVpc);
  }

  private describeSubnets(params: QueryTree): XmlNode {
    const ids = q.strings(params, 'SubnetId');
    requireKnown(this.world.subnets, ids, 'InvalidSubnetID.NotFound', (missing) =>
      notFoundList(missing, 'subnet ID', 'subnet IDs'),
    );
    const filters = readFilters(params);
    const subnets = [...this.world.subnets.values()].filter(
      (subnet) =>
        (ids.length === 0 || ids.includes(subnet.subnetId)) &&
        matchesFilters(
          filters,
          (name) =>
            ({
              'subnet-id': [subnet.subnetId],
              'vpc-id': [subnet.vpcId],
              'availability-zone': [subnet.availabilityZone],
              availabilityZone: [subnet.availabilityZone],
              'default-for-az': [String(subnet.defaultForAz)],
              defaultForAz: [String(subnet.defaultForAz)],
              state: ['available'],
              'cidr-block': [subnet.cidrBlock],
            })[name],
          subnet.tags,
        ),
    );
    return set('subnetSet', subnets, (subnet) => renderSubnet(subnet, this.world.region));
  }

  // ------------------------------------------------------------------ key pairs

  private describeKeyPairs(params: QueryTree): XmlNode {
    const names = q.strings(params, 'KeyName');
    const ids = q.strings(params, 'KeyPairId');
    const pairs = [...this.world.keyPairs.values()];
    const missingNames = names.filter((name) => !pairs.some((pair) => pair.keyName === name));
    if (missingNames.length > 0) {
      throw new Ec2ApiError('InvalidKeyPair.NotFound', `The key pair '${missingNames[0]}' does not exist`);
    }
    requireKnown(this.world.keyPairs, ids, 'InvalidKeyPair.NotFound', (m) => `The key pair '${m[0]}' does not exist`);
    const filters = readFilters(params);
    const found = pairs.filter(
      (pair) =>
        (names.length === 0 || names.includes(pair.keyName)) &&
        (ids.length === 0 || ids.includes(pair.keyPairId)) &&
        matchesFilters(
          filters,
          (name) =>
            ({
              'key-name': [pair.keyName],
              'key-pair-id': [pair.keyPairId],
              fingerprint: [pair.fingerprint],
              'key-type': ['rsa'],
            })[name],
          pair.tags,
        ),
    );
    return set('keySet', found, renderKeyPair);
  }

  private importKeyPair(params: QueryTree): XmlNode {
    const keyName = required(params, 'KeyName');
    const material = Buffer.from(required(params, 'PublicKeyMaterial'), 'base64').toString('utf8').trim();
    checkTagSpecifications(params, ['key-pair']);
    if (!/^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/=]+( .*)?$/.test(material)) {
      throw new Ec2ApiError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
    }
    if (keyName.length > 255) throw new Ec2ApiError('InvalidParameterValue', 'Value for KeyName is too long');
    if (this.world.keyPairByName(keyName)) {
      throw new Ec2ApiError('InvalidKeyPair.Duplicate', `The keypair '${keyName}' already exists.`);
    }
    const pair = {
      keyPairId: newId('key'),
      keyName,
      fingerprint: keyFingerprint(material),
      publicKey: material,
      createTime: new Date(),
      tags: tagsFor(params, 'key-pair'),
    };
    this.world.keyPairs.set(pair.keyPairId, pair);
    return members(
      el('keyFingerprint', pair.fingerprint),
      el('keyName', pair.keyName),
      el('keyPairId', pair.keyPairId),
      tagSet(pair.tags),
    );
  }

  private deleteKeyPair(params: QueryTree): XmlNode {
    const keyName = q.str(params, 'KeyName');
    const keyPairId = q.str(params, 'KeyPairId');
    if (!keyName && !keyPairId)
      throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter KeyName');
    const pair = keyPairId ? this.world.keyPairs.get(keyPairId) : this.world.keyPairByName(keyName ?? '');
    // EC2 answers true for a key pair that does not exist: deleting is idempotent.
    if (pair) this.world.keyPairs.delete(pair.keyPairId);
    return members(el('return', true), el('keyPairId', pair?.keyPairId));
  }

  // ------------------------------------------------------------------ security groups

  private groupFilterValues(group: SimSecurityGroup, name: string): string[] | undefined {
    return (
      {
        'group-id': [group.groupId],
        'group-name': [group.groupName],
        'vpc-id': [group.vpcId],
        description: [group.description],
        'owner-id': [OWNER_ID],
        'ip-permission.from-port': group.ingress.map((p) => String(p.fromPort)),
        'ip-permission.to-port': group.ingress.map((p) => String(p.toPort)),
        'ip-permission.protocol': group.ingress.map((p) => p.ipProtocol),
        'ip-permission.cidr': group.ingress.flatMap((p) => p.cidrs),
      } as Record<string, string[]>
    )[name];
  }

  private describeSecurityGroups(params: QueryTree): XmlNode {
    const ids = q.strings(params, 'GroupId');
    const names = q.strings(params, 'GroupName');
    requireKnown(
      this.world.securityGroups,
      ids,
      'InvalidGroup.NotFound',
      (m) => `The security group '${m[0]}' does not exist`,
    );
    let groups = [...this.world.securityGroups.values()];
    if (names.length > 0) {
      // Group names alone only address the default VPC, as in EC2.
      const vpc = this.world.defaultVpc();
      if (!vpc) throw new Ec2ApiError('VPCIdNotSpecified', 'No default VPC for this user');
      const missing = names.filter((name) => !groups.some((g) => g.vpcId === vpc.vpcId && g.groupName === name));
      if (missing.length > 0) {
        throw new Ec2ApiError(
          'InvalidGroup.NotFound',
          `The security group '${missing[0]}' does not exist in default VPC '${vpc.vpcId}'`,
        );
      }
      groups = groups.filter((g) => g.vpcId === vpc.vpcId && names.includes(g.groupName));
    }
    const filters = readFilters(params);
    const found = groups.filter(
      (group) =>
        (ids.length === 0 || ids.includes(group.groupId)) &&
        matchesFilters(filters, (name) => this.groupFilterValues(group, name), group.tags),
    );
    const { items, nextToken } = page(found, params);
    return members(
      set('securityGroupInfo', items, (group) => renderSecurityGroup(group, this.world.region)),
      el('nextToken', nextToken),
    );
  }

  private createSecurityGroup(params: QueryTree): XmlNode {
    const groupName = required(params, 'GroupName');
    const description = required(params, 'GroupDescription');
    checkTagSpecifications(params, ['security-group']);
    const vpcId = q.str(params, 'VpcId') ?? this.world.defaultVpc()?.vpcId;
    if (!vpcId) throw new Ec2ApiError('VPCIdNotSpecified', 'No default VPC for this user');
    this.world.vpc(vpcId);
    if (groupName === 'default') {
      throw new Ec2ApiError('InvalidGroup.Reserved', 'The security group name "default" is reserved.');
    }
    if ([...this.world.securityGroups.values()].some((g) => g.vpcId === vpcId && g.groupName === groupName)) {
      throw new Ec2ApiError(
        'InvalidGroup.Duplicate',
        `The security group '${groupName}' already exists for VPC '${vpcId}'`,
      );
    }
    const group: SimSecurityGroup = {
      groupId: newId('sg'),
      groupName,
      description,
      vpcId,
      isVpcDefault: false,
      ingress: [],
      tags: tagsFor(params, 'security-group'),
    };
    this.world.securityGroups.set(group.groupId, group);
    return members(
      el('return', true),
      el('groupId', group.groupId),
      el('securityGroupArn', `arn:aws:ec2:${this.world.region}:${OWNER_ID}:security-group/${group.groupId}`),
      tagSet(group.tags),
    );
  }

  private groupFromParams(params: QueryTree): SimSecurityGroup {
    const groupId = q.str(params, 'GroupId');
    if (groupId) return this.world.securityGroup(groupId);
    const groupName = q.str(params, 'GroupName');
    const vpc = this.world.defaultVpc();
    const group = [...this.world.securityGroups.values()].find(
      (g) => g.groupName === groupName && g.vpcId === vpc?.vpcId,
    );
    if (!groupName) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter groupId');
    if (!group) throw new Ec2ApiError('InvalidGroup.NotFound', `The security group '${groupName}' does not exist`);
    return group;
  }

  private authorizeIngress(params: QueryTree): XmlNode {
    const group = this.groupFromParams(params);
    const wanted: SimPermission[] = q.list(params, 'IpPermissions').map((entry) => {
      const ipProtocol = (q.str(entry, 'IpProtocol') ?? '').toLowerCase();
      if (!['tcp', 'udp', 'icmp', '-1', '6', '17', '1'].includes(ipProtocol)) {
        throw new Ec2ApiError(
          'InvalidParameterValue',
          `Invalid value '${ipProtocol}' for IP protocol. Unknown protocol.`,
        );
      }
      const fromPort = q.int(entry, 'FromPort') ?? -1;
      const toPort = q.int(entry, 'ToPort') ?? -1;
      if (ipProtocol !== '-1' && (fromPort < 0 || toPort > 65535 || fromPort > toPort)) {
        throw new Ec2ApiError('InvalidParameterValue', `Invalid port range (${fromPort}, ${toPort})`);
      }
      const cidrs = q.list(entry, 'IpRanges').map((range) => q.str(range, 'CidrIp') ?? '');
      return { ipProtocol, fromPort, toPort, cidrs };
    });
    if (wanted.length === 0)
      throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter IpPermissions');
    for (const permission of wanted) {
      for (const cidr of permission.cidrs) {
        const exists = group.ingress.some(
          (p) =>
            p.ipProtocol === permission.ipProtocol &&
            p.fromPort === permission.fromPort &&
            p.toPort === permission.toPort &&
            p.cidrs.includes(cidr),
        );
        if (exists) {
          throw new Ec2ApiError(
            'InvalidPermission.Duplicate',
            `the specified rule "peer: ${cidr}, ${permission.ipProtocol.toUpperCase()}, from port: ${permission.fromPort}, to port: ${permission.toPort}, ALLOW" already exists`,
          );
        }
      }
    }
    group.ingress.push(...wanted);
    const rules = wanted.flatMap((permission) => permission.cidrs.map((cidr) => ({ permission, cidr })));
    return members(
      el('return', true),
      set('securityGroupRuleSet', rules, ({ permission, cidr }) =>
        members(
          el('securityGroupRuleId', newId('sgr')),
          el('groupId', group.groupId),
          el('groupOwnerId', OWNER_ID),
          el('isEgress', false),
          el('ipProtocol', permission.ipProtocol),
          el('fromPort', permission.fromPort),
          el('toPort', permission.toPort),
          el('cidrIpv4', cidr),
        ),
      ),
    );
  }

  private deleteSecurityGroup(params: QueryTree): XmlNode {
    const group = this.groupFromParams(params);
    if (group.isVpcDefault) {
      throw new Ec2ApiError(
        'CannotDelete',
        `the specified group: "${group.groupId}" name: "default" cannot be deleted by a user`,
      );
    }
    const users = [...this.world.instances.values()].filter(
      (instance) => instance.state !== 'terminated' && instance.groupIds.includes(group.groupId),
    );
    if (users.length > 0) {
      throw new Ec2ApiError('DependencyViolation', `resource ${group.groupId} has a dependent object`);
    }
    this.world.securityGroups.delete(group.groupId);
    return members(el('return', true), el('groupId', group.groupId));
  }

  // ------------------------------------------------------------------ instances

  private runInstances(params: QueryTree): XmlNode {
    const world = this.world;
    const imageId = required(params, 'ImageId');
    const minCount = q.int(params, 'MinCount') ?? 0;
    const maxCount = q.int(params, 'MaxCount') ?? 0;
    if (minCount < 1 || maxCount < minCount) {
      throw new Ec2ApiError('InvalidParameterValue', 'MinCount and MaxCount must be at least 1, MaxCount >= MinCount');
    }
    checkTagSpecifications(params, ['instance', 'volume', 'spot-instances-request', 'network-interface']);
    const clientToken = q.str(params, 'ClientToken');
    if (clientToken) {
      const earlier = [...world.instances.values()].filter((i) => i.clientToken === clientToken);
      if (earlier.length > 0) return this.renderReservation(earlier);
    }
    if (!/^ami-[0-9a-f]{8,17}$/.test(imageId)) {
      throw new Ec2ApiError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
    }
    if (!world.images.has(imageId)) {
      throw new Ec2ApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    }
    const instanceType = q.str(params, 'InstanceType') ?? 'm1.small';
    if (!INSTANCE_TYPE.test(instanceType)) {
      throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${instanceType}' for InstanceType.`);
    }
    const keyName = q.str(params, 'KeyName');
    const keyPair = keyName === undefined ? undefined : world.keyPairByName(keyName);
    if (keyName !== undefined && !keyPair) {
      throw new Ec2ApiError('InvalidKeyPair.NotFound', `The key pair '${keyName}' does not exist`);
    }
    const nic = q.list(params, 'NetworkInterface')[0] as QueryValue | undefined;
    const subnetId = q.str(nic, 'SubnetId') ?? q.str(params, 'SubnetId');
    const wantedZone = q.str(q.obj(params, 'Placement'), 'AvailabilityZone');
    let subnet = subnetId ? world.subnet(subnetId) : undefined;
    if (!subnet) {
      const vpc = world.defaultVpc();
      if (!vpc) throw new Ec2ApiError('VPCIdNotSpecified', 'No default VPC for this user');
      subnet = [...world.subnets.values()].find(
        (s) => s.vpcId === vpc.vpcId && s.defaultForAz && (!wantedZone || s.availabilityZone === wantedZone),
      );
      if (!subnet) {
        throw new Ec2ApiError(
          'InvalidParameterValue',
          `Value (${wantedZone}) for parameter availabilityZone is invalid.`,
        );
      }
    }
    if (wantedZone && wantedZone !== subnet.availabilityZone) {
      throw new Ec2ApiError(
        'InvalidParameterValue',
        `Value (${wantedZone}) for parameter availabilityZone is invalid. Subnet '${subnet.subnetId}' is in the availability zone ${subnet.availabilityZone}`,
      );
    }
    let groupIds = [...q.strings(nic, 'SecurityGroupId'), ...q.strings(params, 'SecurityGroupId')];
    for (const groupId of groupIds) {
      const group = world.securityGroups.get(groupId);
      if (!group || group.vpcId !== subnet.vpcId) {
        throw new Ec2ApiError(
          'InvalidGroup.NotFound',
          `The security group '${groupId}' does not exist in VPC '${subnet.vpcId}'`,
        );
      }
    }
    if (groupIds.length === 0) {
      const fallback = [...world.securityGroups.values()].find((g) => g.vpcId === subnet.vpcId && g.isVpcDefault);
      groupIds = fallback ? [fallback.groupId] : [];
    }
    const market = q.obj(params, 'InstanceMarketOptions');
    const spot = q.str(market, 'MarketType') === 'spot';
    const spotOptions = q.obj(market, 'SpotOptions');
    const maxPrice = q.str(spotOptions, 'MaxPrice');
    if (spot && maxPrice !== undefined && !(Number(maxPrice) > 0)) {
      throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${maxPrice}' for MaxPrice.`);
    }
    const metadata = q.obj(params, 'MetadataOptions');
    const httpTokens = q.str(metadata, 'HttpTokens') ?? 'optional';
    if (!['optional', 'required'].includes(httpTokens)) {
      throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${httpTokens}' for HttpTokens.`);
    }
    const httpEndpoint = q.str(metadata, 'HttpEndpoint') ?? 'enabled';
    if (!['enabled', 'disabled'].includes(httpEndpoint)) {
      throw new Ec2ApiError('InvalidParameterValue', `Invalid value '${httpEndpoint}' for HttpEndpoint.`);
    }
    const device = q.list(params, 'BlockDeviceMapping')[0] as QueryValue | undefined;
    const ebs = q.obj(device, 'Ebs');
    const reservationId = newId('r');
    const instances: SimInstance[] = [];
    for (let index = 0; index < maxCount; index += 1) {
      const instance: SimInstance = {
        instanceId: newId('i'),
        reservationId,
        imageId,
        instanceType,
        keyName,
        availabilityZone: subnet.availabilityZone,
        subnetId: subnet.subnetId,
        vpcId: subnet.vpcId,
        groupIds,
        state: 'pending',
        stateReason: undefined,
        address: undefined,
        associatePublicIp: q.bool(nic, 'AssociatePublicIpAddress') ?? subnet.defaultForAz,
        clientToken,
        launchTime: new Date(),
        spotInstanceRequestId: undefined,
        httpTokens,
        httpEndpoint,
        rootDeviceName: q.str(device, 'DeviceName') ?? '/dev/sda1',
        volumeSize: q.int(ebs, 'VolumeSize') ?? 8,
        volumeType: q.str(ebs, 'VolumeType') ?? 'gp2',
        monitoring: q.bool(q.obj(params, 'Monitoring'), 'Enabled') ?? false,
        ebsOptimized: q.bool(params, 'EbsOptimized') ?? false,
        iamInstanceProfile: q.str(q.obj(params, 'IamInstanceProfile'), 'Name'),
        userData: q.str(params, 'UserData'),
        tags: tagsFor(params, 'instance'),
        machine: undefined,
        work: Promise.resolve(),
      };
      if (spot) {
        const request: SimSpotRequest = {
          spotInstanceRequestId: newId('sir', 8),
          instanceId: instance.instanceId,
          state: 'active',
          statusCode: 'fulfilled',
          spotPrice: maxPrice ?? '0.0116',
          createTime: new Date(),
          availabilityZone: subnet.availabilityZone,
          tags: tagsFor(params, 'spot-instances-request'),
        };
        world.spotRequests.set(request.spotInstanceRequestId, request);
        instance.spotInstanceRequestId = request.spotInstanceRequestId;
      }
      world.instances.set(instance.instanceId, instance);
      instances.push(instance);
      if (this.options.takeNoAddressFault()) continue;
      const machine = this.options.launch({ instanceId: instance.instanceId, publicKey: keyPair?.publicKey });
      instance.machine = machine;
      world.schedule(instance, async () => {
        try {
          const address = await machine.boot();
          if (instance.state === 'pending') {
            instance.address = address;
            instance.state = 'running';
          }
        } catch (error) {
          if (instance.state === 'pending') {
            instance.state = 'terminated';
            instance.stateReason = `Server.InternalError: Internal error on launch: ${(error as Error).message}`;
            this.closeSpotRequest(instance);
          }
        }
      });
    }
    return this.renderReservation(instances);
  }

  private renderReservation(instances: SimInstance[]): XmlNode {
    return members(
      el('reservationId', instances[0]?.reservationId),
      el('ownerId', OWNER_ID),
      set('groupSet', [], () => undefined),
      set('instancesSet', instances, (instance) => renderInstance(instance, this.world.securityGroups)),
    );
  }

  private instancesFromIds(params: QueryTree): SimInstance[] {
    const ids = q.strings(params, 'InstanceId');
    const malformed = ids.find((id) => !/^i-[0-9a-f]{8,17}$/.test(id));
    if (malformed) throw new Ec2ApiError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
    requireKnown(this.world.instances, ids, 'InvalidInstanceID.NotFound', (missing) =>
      notFoundList(missing, 'instance ID', 'instance IDs'),
    );
    return ids.map((id) => this.world.instance(id));
  }

  private instanceFilterValues(instance: SimInstance, name: string): string[] | undefined {
    return (
      {
        'instance-id': [instance.instanceId],
        'instance-state-name': [instance.state],
        'instance-state-code': [String(STATE_CODES[instance.state])],
        'client-token': instance.clientToken ? [instance.clientToken] : [],
        'vpc-id': [instance.vpcId],
        'subnet-id': [instance.subnetId],
        'availability-zone': [instance.availabilityZone],
        'instance.group-id': instance.groupIds,
        'key-name': instance.keyName ? [instance.keyName] : [],
        'image-id': [instance.imageId],
        'instance-type': [instance.instanceType],
        'spot-instance-request-id': instance.spotInstanceRequestId ? [instance.spotInstanceRequestId] : [],
        'private-ip-address': instance.address ? [instance.address] : [],
        'ip-address': instance.address && instance.associatePublicIp ? [instance.address] : [],
      } as Record<string, string[]>
    )[name];
  }

  private describeInstances(params: QueryTree): XmlNode {
    const byId = q.strings(params, 'InstanceId').length > 0 ? this.instancesFromIds(params) : undefined;
    if (byId && q.str(params, 'MaxResults')) {
      throw new Ec2ApiError(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    }
    const filters: Filter[] = readFilters(params);
    const candidates = byId ?? [...this.world.instances.values()];
    const found = candidates.filter((instance) =>
      matchesFilters(filters, (name) => this.instanceFilterValues(instance, name), instance.tags),
    );
    const { items, nextToken } = page(found, params);
    const reservations = new Map<string, SimInstance[]>();
    for (const instance of items) {
      const list = reservations.get(instance.reservationId) ?? [];
      list.push(instance);
      reservations.set(instance.reservationId, list);
    }
    return members(
      set('reservationSet', [...reservations.values()], (list) => this.renderReservation(list)),
      el('nextToken', nextToken),
    );
  }

  private closeSpotRequest(instance: SimInstance): void {
    const request = instance.spotInstanceRequestId
      ? this.world.spotRequests.get(instance.spotInstanceRequestId)
      : undefined;
    if (request && (request.state === 'active' || request.state === 'open')) {
      request.state = 'closed';
      request.statusCode = 'instance-terminated-by-user';
    }
  }

  private changeInstances(params: QueryTree, action: 'start' | 'stop' | 'kill' | 'terminate'): XmlNode {
    const instances = this.instancesFromIds(params);
    if (instances.length === 0)
      throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter InstanceId');
    for (const instance of instances) {
      if (
        action === 'start' &&
        (instance.state === 'terminated' || instance.state === 'stopping' || instance.state === 'shutting-down')
      ) {
        throw new Ec2ApiError(
          'IncorrectInstanceState',
          `The instance '${instance.instanceId}' is not in a state from which it can be started.`,
        );
      }
      if ((action === 'stop' || action === 'kill') && instance.spotInstanceRequestId) {
        throw new Ec2ApiError(
          'UnsupportedOperation',
          `You can't stop the Spot Instance '${instance.instanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`,
        );
      }
      if (
        (action === 'stop' || action === 'kill') &&
        (instance.state === 'terminated' || instance.state === 'shutting-down')
      ) {
        throw new Ec2ApiError(
          'IncorrectInstanceState',
          `This instance '${instance.instanceId}' is not in a state from which it can be stopped.`,
        );
      }
    }
    const changes = instances.map((instance) => {
      const previous = instance.state;
      this.transition(instance, action);
      return { instance, previous };
    });
    return set('instancesSet', changes, ({ instance, previous }) =>
      members(
        el('instanceId', instance.instanceId),
        el('currentState', renderInstanceState(instance.state)),
        el('previousState', renderInstanceState(previous)),
      ),
    );
  }

  private transition(instance: SimInstance, action: 'start' | 'stop' | 'kill' | 'terminate'): void {
    const world = this.world;
    const machine = instance.machine;
    const settle = (from: InstanceStateName, to: InstanceStateName, work: () => Promise<string | undefined>) => {
      instance.state = from;
      world.schedule(instance, async () => {
        const address = await work();
        if (instance.state === from) {
          instance.state = to;
          instance.address = address;
        }
      });
    };
    switch (action) {
      case 'start':
        if (instance.state !== 'stopped') return;
        settle('pending', 'running', async () => (machine ? machine.powerOn() : undefined));
        return;
      case 'stop':
      case 'kill':
        if (instance.state === 'stopped') return;
        if (instance.state === 'stopping' && action === 'stop') return;
        settle('stopping', 'stopped', async () => {
          await machine?.powerOff(action === 'kill');
          return undefined;
        });
        return;
      case 'terminate':
        if (instance.state === 'terminated' || instance.state === 'shutting-down') return;
        this.closeSpotRequest(instance);
        settle('shutting-down', 'terminated', async () => {
          await machine?.destroy();
          return undefined;
        });
        return;
    }
  }

  private rebootInstances(params: QueryTree): XmlNode {
    const instances = this.instancesFromIds(params);
    for (const instance of instances) {
      if (instance.state !== 'running') {
        throw new Ec2ApiError(
          'IncorrectInstanceState',
          `The instance '${instance.instanceId}' is not in a state from which it can be rebooted.`,
        );
      }
    }
    for (const instance of instances) {
      const machine = instance.machine;
      if (!machine) continue;
      this.world.schedule(instance, async () => {
        const address = await machine.reboot();
        if (address && instance.state === 'running') instance.address = address;
      });
    }
    return el('return', true);
  }

  private createTags(params: QueryTree): XmlNode {
    const ids = q.strings(params, 'ResourceId');
    const tags = q.list(params, 'Tag').map((tag) => [q.str(tag, 'Key') ?? '', q.str(tag, 'Value') ?? ''] as const);
    for (const id of ids) {
      const resource =
        this.world.instances.get(id) ??
        this.world.securityGroups.get(id) ??
        this.world.keyPairs.get(id) ??
        this.world.spotRequests.get(id) ??
        this.world.vpcs.get(id) ??
        this.world.subnets.get(id);
      if (!resource) {
        const kind = id.split('-')[0];
        const code =
          kind === 'i'
            ? 'InvalidInstanceID.NotFound'
            : kind === 'sg'
              ? 'InvalidGroup.NotFound'
              : kind === 'sir'
                ? 'InvalidSpotInstanceRequestID.NotFound'
                : 'InvalidID';
        throw new Ec2ApiError(code, `The ID '${id}' does not exist`);
      }
      for (const [key, value] of tags) resource.tags.set(key, value);
    }
    return el('return', true);
  }

  // ------------------------------------------------------------------ spot requests

  private describeSpotRequests(params: QueryTree): XmlNode {
    const ids = q.strings(params, 'SpotInstanceRequestId');
    requireKnown(
      this.world.spotRequests,
      ids,
      'InvalidSpotInstanceRequestID.NotFound',
      (missing) => `The spot instance request ID '${missing[0]}' does not exist`,
    );
    const filters = readFilters(params);
    const found = [...this.world.spotRequests.values()].filter(
      (request) =>
        (ids.length === 0 || ids.includes(request.spotInstanceRequestId)) &&
        matchesFilters(
          filters,
          (name) =>
            ({
              'spot-instance-request-id': [request.spotInstanceRequestId],
              'instance-id': [request.instanceId],
              state: [request.state],
            })[name],
          request.tags,
        ),
    );
    return set('spotInstanceRequestSet', found, renderSpotRequest);
  }

  private cancelSpotRequests(params: QueryTree): XmlNode {
    const ids = q.strings(params, 'SpotInstanceRequestId');
    requireKnown(
      this.world.spotRequests,
      ids,
      'InvalidSpotInstanceRequestID.NotFound',
      (missing) => `The spot instance request ID '${missing[0]}' does not exist`,
    );
    const requests = ids.map((id) => this.world.spotRequests.get(id) as SimSpotRequest);
    for (const request of requests) {
      if (request.state === 'open' || request.state === 'active') {
        request.state = 'cancelled';
        request.statusCode = 'request-canceled-and-instance-running';
      }
    }
    return set('spotInstanceRequestSet', requests, (request) =>
      members(el('spotInstanceRequestId', request.spotInstanceRequestId), el('state', request.state)),
    );
  }
}
