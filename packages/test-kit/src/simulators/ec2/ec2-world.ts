import { createHash, randomBytes } from 'node:crypto';
import { Ec2ApiError } from './ec2-api-error.js';
import type { InstanceMachine } from './instance-machines.js';

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export const OWNER_ID = '123456789012';

export interface SimVpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  tags: Map<string, string>;
}

export interface SimSubnet {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  cidrBlock: string;
  defaultForAz: boolean;
  tags: Map<string, string>;
}

export interface SimPermission {
  ipProtocol: string;
  fromPort: number;
  toPort: number;
  cidrs: string[];
}

export interface SimSecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  /** The VPC's own `default` group: exists with the VPC, cannot be deleted, never a leftover. */
  isVpcDefault: boolean;
  ingress: SimPermission[];
  tags: Map<string, string>;
}

export interface SimKeyPair {
  keyPairId: string;
  keyName: string;
  fingerprint: string;
  publicKey: string;
  createTime: Date;
  tags: Map<string, string>;
}

export interface SimSpotRequest {
  spotInstanceRequestId: string;
  instanceId: string;
  state: 'open' | 'active' | 'closed' | 'cancelled' | 'failed';
  statusCode: string;
  spotPrice: string;
  createTime: Date;
  availabilityZone: string;
  tags: Map<string, string>;
}

export interface SimInstance {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  keyName: string | undefined;
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  groupIds: string[];
  state: InstanceStateName;
  stateReason: string | undefined;
  /** The machine's address; EC2 shows it as both public and private IP (the bridge is both here). */
  address: string | undefined;
  associatePublicIp: boolean;
  clientToken: string | undefined;
  launchTime: Date;
  spotInstanceRequestId: string | undefined;
  httpTokens: string;
  httpEndpoint: string;
  rootDeviceName: string;
  volumeSize: number;
  volumeType: string;
  monitoring: boolean;
  ebsOptimized: boolean;
  iamInstanceProfile: string | undefined;
  userData: string | undefined;
  tags: Map<string, string>;
  machine: InstanceMachine | undefined;
  /** Power operations on the machine, one after another. */
  work: Promise<void>;
}

export function newId(prefix: string, hexLength = 17): string {
  return `${prefix}-${randomBytes(Math.ceil(hexLength / 2))
    .toString('hex')
    .slice(0, hexLength)}`;
}

/** An EC2 imported key's fingerprint: MD5 of the public key's wire bytes, colon-separated. */
export function keyFingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return createHash('md5').update(blob).digest('hex').match(/../g)?.join(':') ?? '';
}

/** Everything the simulated account holds in its one region. */
export class Ec2World {
  readonly vpcs = new Map<string, SimVpc>();
  readonly subnets = new Map<string, SimSubnet>();
  readonly securityGroups = new Map<string, SimSecurityGroup>();
  readonly keyPairs = new Map<string, SimKeyPair>();
  readonly instances = new Map<string, SimInstance>();
  readonly spotRequests = new Map<string, SimSpotRequest>();
  readonly images = new Set<string>();
  readonly parameters = new Map<string, string>();
  private vpcCounter = 0;

  constructor(readonly region: string) {}

  /** A VPC with one subnet per zone letter, and its `default` security group. */
  addVpc(options: { isDefault?: boolean; zones?: string[] } = {}): { vpc: SimVpc; subnets: SimSubnet[] } {
    this.vpcCounter += 1;
    const second = 30 + this.vpcCounter;
    const vpc: SimVpc = {
      vpcId: newId('vpc'),
      cidrBlock: `172.${second}.0.0/16`,
      isDefault: options.isDefault === true,
      tags: new Map(),
    };
    if (vpc.isDefault) for (const other of this.vpcs.values()) other.isDefault = false;
    this.vpcs.set(vpc.vpcId, vpc);
    const subnets = (options.zones ?? ['a', 'b', 'c']).map((letter, index) => {
      const subnet: SimSubnet = {
        subnetId: newId('subnet'),
        vpcId: vpc.vpcId,
        availabilityZone: `${this.region}${letter}`,
        cidrBlock: `172.${second}.${index * 16}.0/20`,
        defaultForAz: vpc.isDefault,
        tags: new Map(),
      };
      this.subnets.set(subnet.subnetId, subnet);
      return subnet;
    });
    const group: SimSecurityGroup = {
      groupId: newId('sg'),
      groupName: 'default',
      description: 'default VPC security group',
      vpcId: vpc.vpcId,
      isVpcDefault: true,
      ingress: [],
      tags: new Map(),
    };
    this.securityGroups.set(group.groupId, group);
    return { vpc, subnets };
  }

  defaultVpc(): SimVpc | undefined {
    return [...this.vpcs.values()].find((vpc) => vpc.isDefault);
  }

  vpc(vpcId: string): SimVpc {
    const vpc = this.vpcs.get(vpcId);
    if (!vpc) throw new Ec2ApiError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    return vpc;
  }

  subnet(subnetId: string): SimSubnet {
    const subnet = this.subnets.get(subnetId);
    if (!subnet) throw new Ec2ApiError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    return subnet;
  }

  securityGroup(groupId: string): SimSecurityGroup {
    const group = this.securityGroups.get(groupId);
    if (!group) throw new Ec2ApiError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    return group;
  }

  keyPairByName(keyName: string): SimKeyPair | undefined {
    return [...this.keyPairs.values()].find((pair) => pair.keyName === keyName);
  }

  instance(instanceId: string): SimInstance {
    const instance = this.instances.get(instanceId);
    if (!instance) {
      const code = /^i-[0-9a-f]{8,17}$/.test(instanceId) ? 'InvalidInstanceID.NotFound' : 'InvalidInstanceID.Malformed';
      const message =
        code === 'InvalidInstanceID.NotFound'
          ? `The instance ID '${instanceId}' does not exist`
          : `Invalid id: "${instanceId}"`;
      throw new Ec2ApiError(code, message);
    }
    return instance;
  }

  /** Runs `step` after the instance's earlier power operations; failures are kept on the instance. */
  schedule(instance: SimInstance, step: () => Promise<void>): void {
    instance.work = instance.work.then(step).catch((error: unknown) => {
      instance.stateReason = `Server.InternalError: ${error instanceof Error ? error.message : String(error)}`;
    });
  }

  /** Resolves once no power operation is under way on any instance. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.instances.values()].map((instance) => instance.work);
      await Promise.all(pending);
      const again = [...this.instances.values()].map((instance) => instance.work);
      if (again.length === pending.length && again.every((work, index) => work === pending[index])) return;
    }
  }
}
