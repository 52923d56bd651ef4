import type { CreateFlag } from '@berth/driver-protocol';

/**
 * The amazonec2 driver's create flags: Docker Machine 0.16's, with its names, env vars and defaults,
 * except two defaults that are now empty so an explicit value can be told from the default:
 * `--amazonec2-zone` (empty: the subnet's zone, else `a`) and `--amazonec2-spot-price` (empty: no
 * maximum, EC2 caps spot at the on-demand price). Two flags are new: `--amazonec2-http-tokens` and
 * `--amazonec2-http-endpoint` (instance metadata service; IMDSv2 is required by default).
 */
export const AMAZONEC2_FLAGS: CreateFlag[] = [
  { name: 'amazonec2-access-key', type: 'string', envVar: 'AWS_ACCESS_KEY_ID', description: 'AWS Access Key' },
  {
    name: 'amazonec2-ami',
    type: 'string',
    envVar: 'AWS_AMI',
    description: 'AWS machine image (default: the current Ubuntu LTS, looked up in SSM)',
  },
  {
    name: 'amazonec2-block-duration-minutes',
    type: 'int',
    default: 0,
    description: 'AWS spot instance duration in minutes (60, 120, 180, 240, 300, or 360)',
  },
  {
    name: 'amazonec2-device-name',
    type: 'string',
    default: '/dev/sda1',
    envVar: 'AWS_DEVICE_NAME',
    description: 'AWS root device name',
  },
  {
    name: 'amazonec2-endpoint',
    type: 'string',
    envVar: 'AWS_ENDPOINT',
    description: 'Optional endpoint URL (hostname only or fully qualified URI)',
  },
  {
    name: 'amazonec2-http-endpoint',
    type: 'string',
    default: 'enabled',
    envVar: 'AWS_HTTP_ENDPOINT',
    description: 'Instance metadata service: enabled or disabled',
  },
  {
    name: 'amazonec2-http-tokens',
    type: 'string',
    default: 'required',
    envVar: 'AWS_HTTP_TOKENS',
    description: 'Instance metadata tokens: required (IMDSv2 only) or optional (IMDSv1 allowed)',
  },
  {
    name: 'amazonec2-iam-instance-profile',
    type: 'string',
    envVar: 'AWS_INSTANCE_PROFILE',
    description: 'AWS IAM Instance Profile',
  },
  {
    name: 'amazonec2-insecure-transport',
    type: 'bool',
    envVar: 'AWS_INSECURE_TRANSPORT',
    description: 'Disable SSL when sending requests',
  },
  {
    name: 'amazonec2-instance-type',
    type: 'string',
    default: 't2.micro',
    envVar: 'AWS_INSTANCE_TYPE',
    description: 'AWS instance type',
  },
  {
    name: 'amazonec2-keypair-name',
    type: 'string',
    envVar: 'AWS_KEYPAIR_NAME',
    description: 'AWS keypair to use; requires --amazonec2-ssh-keypath',
  },
  { name: 'amazonec2-monitoring', type: 'bool', description: 'Set this flag to enable CloudWatch monitoring' },
  {
    name: 'amazonec2-open-port',
    type: 'string-array',
    description: 'Make the specified port number accessible from the Internet',
  },
  { name: 'amazonec2-private-address-only', type: 'bool', description: 'Only use a private IP address' },
  {
    name: 'amazonec2-region',
    type: 'string',
    default: 'us-east-1',
    envVar: 'AWS_DEFAULT_REGION',
    description: 'AWS region',
  },
  { name: 'amazonec2-request-spot-instance', type: 'bool', description: 'Set this flag to request spot instance' },
  {
    name: 'amazonec2-retries',
    type: 'int',
    default: 5,
    description: 'Set retry count for recoverable failures (use -1 to disable)',
  },
  {
    name: 'amazonec2-root-size',
    type: 'int',
    default: 16,
    envVar: 'AWS_ROOT_SIZE',
    description: 'AWS root disk size (in GB)',
  },
  {
    name: 'amazonec2-secret-key',
    type: 'string',
    envVar: 'AWS_SECRET_ACCESS_KEY',
    secret: true,
    description: 'AWS Secret Key',
  },
  {
    name: 'amazonec2-security-group',
    type: 'string-array',
    default: ['docker-machine'],
    envVar: 'AWS_SECURITY_GROUP',
    description: 'AWS VPC security group',
  },
  {
    name: 'amazonec2-security-group-readonly',
    type: 'bool',
    envVar: 'AWS_SECURITY_GROUP_READONLY',
    description: 'Skip adding default rules to security groups',
  },
  {
    name: 'amazonec2-session-token',
    type: 'string',
    envVar: 'AWS_SESSION_TOKEN',
    secret: true,
    description: 'AWS Session Token',
  },
  {
    name: 'amazonec2-spot-price',
    type: 'string',
    description:
      'AWS spot instance bid price (in dollar); needs --amazonec2-request-spot-instance (default: no maximum)',
  },
  { name: 'amazonec2-ssh-keypath', type: 'string', envVar: 'AWS_SSH_KEYPATH', description: 'SSH Key for Instance' },
  { name: 'amazonec2-ssh-port', type: 'int', default: 22, envVar: 'AWS_SSH_PORT', description: 'SSH port' },
  {
    name: 'amazonec2-ssh-user',
    type: 'string',
    default: 'ubuntu',
    envVar: 'AWS_SSH_USER',
    description: 'SSH username',
  },
  { name: 'amazonec2-subnet-id', type: 'string', envVar: 'AWS_SUBNET_ID', description: 'AWS VPC subnet id' },
  {
    name: 'amazonec2-tags',
    type: 'string',
    envVar: 'AWS_TAGS',
    description: 'AWS Tags (e.g. key1,value1,key2,value2)',
  },
  { name: 'amazonec2-use-ebs-optimized-instance', type: 'bool', description: 'Create an EBS optimized instance' },
  { name: 'amazonec2-use-private-address', type: 'bool', description: 'Force the usage of private IP address' },
  {
    name: 'amazonec2-userdata',
    type: 'string',
    envVar: 'AWS_USERDATA',
    description: 'path to file with cloud-init user data',
  },
  {
    name: 'amazonec2-volume-type',
    type: 'string',
    default: 'gp2',
    envVar: 'AWS_VOLUME_TYPE',
    description: 'Amazon EBS volume type',
  },
  { name: 'amazonec2-vpc-id', type: 'string', envVar: 'AWS_VPC_ID', description: 'AWS VPC id' },
  {
    name: 'amazonec2-zone',
    type: 'string',
    envVar: 'AWS_ZONE',
    description: "AWS zone for instance (i.e. a,b,c,d,e) (default: the subnet's zone, else a)",
  },
];
