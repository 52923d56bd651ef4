import {
  OWNER_ID,
  type SimInstance,
  type SimKeyPair,
  type SimPermission,
  type SimSecurityGroup,
  type SimSpotRequest,
  type SimSubnet,
  type SimVpc,
  STATE_CODES,
} from './ec2-world.js';
import { el, members, set, tagSet, type XmlNode } from './ec2-xml.js';

// Renderers for EC2's response shapes, element names as the 2016-11-15 API (and the SDK's model) has them.

const iso = (date: Date) => date.toISOString();

export function renderInstanceState(state: SimInstance['state']): XmlNode {
  return members(el('code', STATE_CODES[state]), el('name', state));
}

export function renderInstance(instance: SimInstance, groups: ReadonlyMap<string, SimSecurityGroup>): XmlNode {
  const groupSet = set('groupSet', instance.groupIds, (groupId) =>
    members(el('groupId', groupId), el('groupName', groups.get(groupId)?.groupName)),
  );
  const address = instance.address;
  const publicIp = instance.associatePublicIp ? address : undefined;
  const privateDns = address ? `ip-${address.replace(/\./g, '-')}.ec2.internal` : '';
  return members(
    el('instanceId', instance.instanceId),
    el('imageId', instance.imageId),
    el('instanceState', renderInstanceState(instance.state)),
    el('privateDnsName', privateDns),
    el('dnsName', publicIp ? `ec2-${publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com` : ''),
    el('reason', ''),
    el('keyName', instance.keyName),
    el('amiLaunchIndex', 0),
    set('productCodes', [], () => undefined),
    el('instanceType', instance.instanceType),
    el('launchTime', iso(instance.launchTime)),
    el('placement', members(el('availabilityZone', instance.availabilityZone), el('tenancy', 'default'))),
    el('monitoring', el('state', instance.monitoring ? 'enabled' : 'disabled')),
    el('subnetId', instance.subnetId),
    el('vpcId', instance.vpcId),
    el('privateIpAddress', address),
    el('ipAddress', publicIp),
    el('sourceDestCheck', true),
    groupSet,
    el(
      'stateReason',
      instance.stateReason
        ? members(el('code', instance.stateReason.split(':')[0]), el('message', instance.stateReason))
        : undefined,
    ),
    el('architecture', 'x86_64'),
    el('rootDeviceType', 'ebs'),
    el('rootDeviceName', instance.rootDeviceName),
    set('blockDeviceMapping', [instance], () =>
      members(
        el('deviceName', instance.rootDeviceName),
        el(
          'ebs',
          members(
            el('volumeId', `vol-${instance.instanceId.slice(2)}`),
            el('status', instance.state === 'terminated' ? 'detached' : 'attached'),
            el('attachTime', iso(instance.launchTime)),
            el('deleteOnTermination', true),
          ),
        ),
      ),
    ),
    el('virtualizationType', 'hvm'),
    el('clientToken', instance.clientToken ?? ''),
    tagSet(instance.tags),
    el('hypervisor', 'xen'),
    el('ebsOptimized', instance.ebsOptimized),
    el('enaSupport', true),
    el('spotInstanceRequestId', instance.spotInstanceRequestId),
    el('instanceLifecycle', instance.spotInstanceRequestId ? 'spot' : undefined),
    el(
      'iamInstanceProfile',
      instance.iamInstanceProfile
        ? members(
            el('arn', `arn:aws:iam::${OWNER_ID}:instance-profile/${instance.iamInstanceProfile}`),
            el('id', 'AIPAEXAMPLEPROFILE'),
          )
        : undefined,
    ),
    el(
      'metadataOptions',
      members(
        el('state', 'applied'),
        el('httpTokens', instance.httpTokens),
        el('httpPutResponseHopLimit', 2),
        el('httpEndpoint', instance.httpEndpoint),
        el('httpProtocolIpv6', 'disabled'),
        el('instanceMetadataTags', 'disabled'),
      ),
    ),
  );
}

export function renderPermission(permission: SimPermission): XmlNode {
  return members(
    el('ipProtocol', permission.ipProtocol),
    el('fromPort', permission.fromPort),
    el('toPort', permission.toPort),
    set('groups', [], () => undefined),
    set('ipRanges', permission.cidrs, (cidr) => el('cidrIp', cidr)),
    set('ipv6Ranges', [], () => undefined),
    set('prefixListIds', [], () => undefined),
  );
}

export function renderSecurityGroup(group: SimSecurityGroup, region: string): XmlNode {
  const allOut: SimPermission = { ipProtocol: '-1', fromPort: -1, toPort: -1, cidrs: ['0.0.0.0/0'] };
  return members(
    el('ownerId', OWNER_ID),
    el('groupId', group.groupId),
    el('groupName', group.groupName),
    el('groupDescription', group.description),
    el('vpcId', group.vpcId),
    el('securityGroupArn', `arn:aws:ec2:${region}:${OWNER_ID}:security-group/${group.groupId}`),
    set('ipPermissions', group.ingress, renderPermission),
    set('ipPermissionsEgress', [allOut], renderPermission),
    tagSet(group.tags),
  );
}

export function renderKeyPair(pair: SimKeyPair): XmlNode {
  return members(
    el('keyPairId', pair.keyPairId),
    el('keyName', pair.keyName),
    el('keyFingerprint', pair.fingerprint),
    el('keyType', 'rsa'),
    el('createTime', iso(pair.createTime)),
    tagSet(pair.tags),
  );
}

export function renderVpc(vpc: SimVpc): XmlNode {
  return members(
    el('vpcId', vpc.vpcId),
    el('ownerId', OWNER_ID),
    el('state', 'available'),
    el('cidrBlock', vpc.cidrBlock),
    el('dhcpOptionsId', 'dopt-0123456789abcdef0'),
    el('instanceTenancy', 'default'),
    el('isDefault', vpc.isDefault),
    tagSet(vpc.tags),
  );
}

export function renderSubnet(subnet: SimSubnet, region: string): XmlNode {
  return members(
    el('subnetId', subnet.subnetId),
    el('subnetArn', `arn:aws:ec2:${region}:${OWNER_ID}:subnet/${subnet.subnetId}`),
    el('state', 'available'),
    el('ownerId', OWNER_ID),
    el('vpcId', subnet.vpcId),
    el('cidrBlock', subnet.cidrBlock),
    el('availableIpAddressCount', 4091),
    el('availabilityZone', subnet.availabilityZone),
    el('availabilityZoneId', `use1-az${subnet.availabilityZone.charCodeAt(subnet.availabilityZone.length - 1) - 96}`),
    el('defaultForAz', subnet.defaultForAz),
    el('mapPublicIpOnLaunch', subnet.defaultForAz),
    el('assignIpv6AddressOnCreation', false),
    tagSet(subnet.tags),
  );
}

export function renderSpotRequest(request: SimSpotRequest): XmlNode {
  return members(
    el('spotInstanceRequestId', request.spotInstanceRequestId),
    el('spotPrice', request.spotPrice),
    el('type', 'one-time'),
    el('state', request.state),
    el(
      'status',
      members(
        el('code', request.statusCode),
        el('updateTime', iso(new Date())),
        el('message', `Spot request is ${request.state}.`),
      ),
    ),
    el('instanceId', request.instanceId),
    el('createTime', iso(request.createTime)),
    el('productDescription', 'Linux/UNIX'),
    el('launchedAvailabilityZone', request.availabilityZone),
    el('instanceInterruptionBehavior', 'terminate'),
    tagSet(request.tags),
  );
}
