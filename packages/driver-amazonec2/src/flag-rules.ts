import { type FlagValues, InvalidFlagError, MissingFlagError } from '@berth/driver-protocol';
import { boolFlag, intFlag, stringArrayFlag, stringFlag } from '@berth/driver-sdk';
import type { Ec2Config } from './ec2-config.js';

/** What the flags alone decide (the network and the AMI are looked up afterwards). */
export type FlagConfig = Pick<
  Ec2Config,
  | 'AccessKey'
  | 'SecretKey'
  | 'SessionToken'
  | 'Region'
  | 'AMI'
  | 'ExistingKey'
  | 'KeyName'
  | 'InstanceType'
  | 'SecurityGroupNames'
  | 'SecurityGroupReadOnly'
  | 'OpenPorts'
  | 'Tags'
  | 'DeviceName'
  | 'RootSize'
  | 'VolumeType'
  | 'IamInstanceProfile'
  | 'VpcId'
  | 'SubnetId'
  | 'Zone'
  | 'RequestSpotInstance'
  | 'SpotPrice'
  | 'BlockDurationMinutes'
  | 'PrivateIPOnly'
  | 'UsePrivateIP'
  | 'UseEbsOptimizedInstance'
  | 'Monitoring'
  | 'SSHPrivateKeyPath'
  | 'RetryCount'
  | 'Endpoint'
  | 'DisableSSL'
  | 'UserDataFile'
  | 'HttpTokens'
  | 'HttpEndpoint'
  | 'SSHUser'
  | 'SSHPort'
>;

function invalid(flag: string, message: string, action: string): InvalidFlagError {
  return new InvalidFlagError(message, { actions: [action], data: { flag } });
}

/**
 * Reads and checks every create flag, without calling AWS. Errors name the flag and the value.
 * Fixes on purpose: `--amazonec2-spot-price` (or a block duration) without
 * `--amazonec2-request-spot-instance` is refused instead of silently ignored, and an odd
 * `--amazonec2-tags` list is refused instead of losing its last entry.
 */
export function parseCreateFlags(flags: FlagValues): FlagConfig {
  const text = (name: string) => stringFlag(flags, `amazonec2-${name}`).trim();
  const accessKey = text('access-key');
  const secretKey = text('secret-key');
  if (Boolean(accessKey) !== Boolean(secretKey)) {
    const missing = accessKey ? 'secret-key' : 'access-key';
    throw new MissingFlagError(
      `--amazonec2-access-key and --amazonec2-secret-key go together: --amazonec2-${missing} is missing`,
      {
        actions: ['Give both (or neither, to use ~/.aws/credentials or an instance role).'],
        data: { flag: `amazonec2-${missing}` },
      },
    );
  }
  const region = text('region') || 'us-east-1';
  if (!/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(region)) {
    throw invalid(
      'amazonec2-region',
      `--amazonec2-region "${region}" is not an AWS region name`,
      'Give a region such as us-east-1 or eu-west-1.',
    );
  }
  const endpoint = text('endpoint');
  const insecure = boolFlag(flags, 'amazonec2-insecure-transport');
  if (insecure && !endpoint) {
    throw new MissingFlagError('using --amazonec2-insecure-transport also requires --amazonec2-endpoint', {
      data: { flag: 'amazonec2-endpoint' },
    });
  }
  const keyName = text('keypair-name');
  const sshKeyPath = text('ssh-keypath');
  if (keyName && !sshKeyPath) {
    throw new MissingFlagError('using --amazonec2-keypair-name also requires --amazonec2-ssh-keypath', {
      actions: ['Give the private key of that key pair with --amazonec2-ssh-keypath.'],
      data: { flag: 'amazonec2-ssh-keypath' },
    });
  }
  const spot = boolFlag(flags, 'amazonec2-request-spot-instance');
  const spotPrice = text('spot-price');
  if (spotPrice && !spot) {
    throw invalid(
      'amazonec2-spot-price',
      `--amazonec2-spot-price ${spotPrice} is only used with --amazonec2-request-spot-instance`,
      'Add --amazonec2-request-spot-instance, or leave out --amazonec2-spot-price.',
    );
  }
  if (spotPrice && !(Number(spotPrice) > 0)) {
    throw invalid(
      'amazonec2-spot-price',
      `--amazonec2-spot-price "${spotPrice}" is not a price in dollars`,
      'Give a price such as 0.05.',
    );
  }
  const blockMinutes = intFlag(flags, 'amazonec2-block-duration-minutes');
  if (blockMinutes !== 0 && !spot) {
    throw invalid(
      'amazonec2-block-duration-minutes',
      `--amazonec2-block-duration-minutes ${blockMinutes} is only used with --amazonec2-request-spot-instance`,
      'Add --amazonec2-request-spot-instance, or leave out --amazonec2-block-duration-minutes.',
    );
  }
  if (blockMinutes !== 0 && ![60, 120, 180, 240, 300, 360].includes(blockMinutes)) {
    throw invalid(
      'amazonec2-block-duration-minutes',
      `--amazonec2-block-duration-minutes ${blockMinutes} is not one of 60, 120, 180, 240, 300, 360`,
      'Give a multiple of 60 from 60 to 360.',
    );
  }
  const retries = intFlag(flags, 'amazonec2-retries');
  if (retries < -1)
    throw invalid('amazonec2-retries', `--amazonec2-retries ${retries} is below -1`, 'Give -1 (no retries) or more.');
  const rootSize = intFlag(flags, 'amazonec2-root-size');
  if (rootSize < 1)
    throw invalid('amazonec2-root-size', `--amazonec2-root-size ${rootSize} is not a size in GB`, 'Give 8 or more.');
  const sshPort = intFlag(flags, 'amazonec2-ssh-port');
  if (sshPort < 1 || sshPort > 65535) {
    throw invalid(
      'amazonec2-ssh-port',
      `--amazonec2-ssh-port must be a port number from 1 to 65535, not "${sshPort}"`,
      'Give a port such as 22.',
    );
  }
  const openPorts = stringArrayFlag(flags, 'amazonec2-open-port')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const spec of openPorts) {
    const match = /^(\d+)(?:\/(tcp|udp))?$/.exec(spec);
    const port = Number(match?.[1]);
    if (!match || port < 1 || port > 65535) {
      throw invalid(
        'amazonec2-open-port',
        `--amazonec2-open-port "${spec}" is not PORT or PORT/PROTOCOL`,
        'Give e.g. 8080 or 53/udp.',
      );
    }
  }
  const tags = text('tags');
  if (tags && tags.split(',').length % 2 !== 0) {
    throw invalid(
      'amazonec2-tags',
      `--amazonec2-tags "${tags}" has an odd number of items`,
      'Give pairs: key1,value1,key2,value2.',
    );
  }
  const httpTokens = text('http-tokens') || 'required';
  if (!['required', 'optional'].includes(httpTokens)) {
    throw invalid(
      'amazonec2-http-tokens',
      `--amazonec2-http-tokens "${httpTokens}" is not required or optional`,
      'Give required (IMDSv2) or optional.',
    );
  }
  const httpEndpoint = text('http-endpoint') || 'enabled';
  if (!['enabled', 'disabled'].includes(httpEndpoint)) {
    throw invalid(
      'amazonec2-http-endpoint',
      `--amazonec2-http-endpoint "${httpEndpoint}" is not enabled or disabled`,
      'Give enabled or disabled.',
    );
  }
  const zone = text('zone');
  if (zone && !/^[a-z0-9-]+$/.test(zone)) {
    throw invalid(
      'amazonec2-zone',
      `--amazonec2-zone "${zone}" is not a zone letter`,
      'Give a zone letter such as a, b or c.',
    );
  }
  const instanceType = text('instance-type') || 't2.micro';
  const groups = stringArrayFlag(flags, 'amazonec2-security-group')
    .map((g) => g.trim())
    .filter(Boolean);
  return {
    AccessKey: accessKey,
    SecretKey: secretKey,
    SessionToken: text('session-token'),
    Region: region,
    AMI: text('ami'),
    ExistingKey: Boolean(keyName),
    KeyName: keyName,
    InstanceType: instanceType,
    SecurityGroupNames: groups.length > 0 ? [...new Set(groups)] : ['docker-machine'],
    SecurityGroupReadOnly: boolFlag(flags, 'amazonec2-security-group-readonly'),
    OpenPorts: openPorts,
    Tags: tags,
    DeviceName: text('device-name') || '/dev/sda1',
    RootSize: rootSize,
    VolumeType: text('volume-type') || 'gp2',
    IamInstanceProfile: text('iam-instance-profile'),
    VpcId: text('vpc-id'),
    SubnetId: text('subnet-id'),
    Zone: zone,
    RequestSpotInstance: spot,
    SpotPrice: spotPrice,
    BlockDurationMinutes: blockMinutes,
    PrivateIPOnly: boolFlag(flags, 'amazonec2-private-address-only'),
    UsePrivateIP: boolFlag(flags, 'amazonec2-use-private-address'),
    UseEbsOptimizedInstance: boolFlag(flags, 'amazonec2-use-ebs-optimized-instance'),
    Monitoring: boolFlag(flags, 'amazonec2-monitoring'),
    SSHPrivateKeyPath: sshKeyPath,
    RetryCount: retries,
    Endpoint: endpoint,
    DisableSSL: insecure,
    UserDataFile: text('userdata'),
    HttpTokens: httpTokens,
    HttpEndpoint: httpEndpoint,
    SSHUser: text('ssh-user') || 'ubuntu',
    SSHPort: sshPort,
  };
}
