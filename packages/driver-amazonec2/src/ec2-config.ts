import type { DriverConfig, MachineContext } from '@berth/driver-protocol';
import { type BaseDriverConfig, baseDriverConfig, composeDriverConfig, splitBaseConfig } from '@berth/driver-sdk';

/**
 * The amazonec2 driver's own keys of the `Driver` object in config.json. Docker Machine's names and
 * types (so a store written by docker-machine loads), plus Berth's `SpotInstanceRequestId`,
 * `HttpTokens` and `HttpEndpoint`.
 */
export interface Ec2OwnConfig {
  /** Random hex id of the machine; tags every resource Berth makes for it (`berth:machine-id`). */
  Id: string;
  AccessKey: string;
  SecretKey: string;
  SessionToken: string;
  Region: string;
  AMI: string;
  SSHKeyID: number;
  /** The key pair is the user's (`--amazonec2-keypair-name`): never imported, never deleted. */
  ExistingKey: boolean;
  KeyName: string;
  InstanceId: string;
  InstanceType: string;
  PrivateIPAddress: string;
  SecurityGroupId: string;
  SecurityGroupIds: string[];
  SecurityGroupName: string;
  SecurityGroupNames: string[];
  SecurityGroupReadOnly: boolean;
  OpenPorts: string[];
  /** `k1,v1,k2,v2`, as given. */
  Tags: string;
  ReservationId: string;
  DeviceName: string;
  RootSize: number;
  VolumeType: string;
  IamInstanceProfile: string;
  VpcId: string;
  SubnetId: string;
  /** Zone suffix after the region (`a`): the availability zone is Region + Zone. */
  Zone: string;
  RequestSpotInstance: boolean;
  SpotPrice: string;
  BlockDurationMinutes: number;
  PrivateIPOnly: boolean;
  UsePrivateIP: boolean;
  UseEbsOptimizedInstance: boolean;
  Monitoring: boolean;
  /** The key the user gave (`--amazonec2-ssh-keypath`); SSHKeyPath is Berth's copy in the machine dir. */
  SSHPrivateKeyPath: string;
  RetryCount: number;
  Endpoint: string;
  DisableSSL: boolean;
  UserDataFile: string;
  SpotInstanceRequestId: string;
  HttpTokens: string;
  HttpEndpoint: string;
}

export type Ec2Config = BaseDriverConfig & Ec2OwnConfig;

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const bool = (v: unknown) => v === true;
const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Reads the stored object leniently: docker-machine wrote every key, a failed create may lack some. */
export function readEc2Config(machine: MachineContext): Ec2Config {
  const raw = machine.driverConfig;
  const base = baseDriverConfig(machine);
  // Docker Machine kept single legacy keys next to the lists; they go in front.
  const groupIds = [...new Set([str(raw.SecurityGroupId), ...strs(raw.SecurityGroupIds)].filter(Boolean))];
  const groupNames = [...new Set([str(raw.SecurityGroupName), ...strs(raw.SecurityGroupNames)].filter(Boolean))];
  return {
    ...base,
    SSHUser: base.SSHUser || 'ubuntu',
    SSHPort: base.SSHPort || 22,
    Id: str(raw.Id),
    AccessKey: str(raw.AccessKey),
    SecretKey: str(raw.SecretKey),
    SessionToken: str(raw.SessionToken),
    Region: str(raw.Region, 'us-east-1'),
    AMI: str(raw.AMI),
    SSHKeyID: num(raw.SSHKeyID, 0),
    ExistingKey: bool(raw.ExistingKey),
    KeyName: str(raw.KeyName),
    InstanceId: str(raw.InstanceId),
    InstanceType: str(raw.InstanceType, 't2.micro'),
    PrivateIPAddress: str(raw.PrivateIPAddress),
    SecurityGroupId: '',
    SecurityGroupIds: groupIds,
    SecurityGroupName: '',
    SecurityGroupNames: groupNames,
    SecurityGroupReadOnly: bool(raw.SecurityGroupReadOnly),
    OpenPorts: strs(raw.OpenPorts),
    Tags: str(raw.Tags),
    ReservationId: str(raw.ReservationId),
    DeviceName: str(raw.DeviceName, '/dev/sda1'),
    RootSize: num(raw.RootSize, 16),
    VolumeType: str(raw.VolumeType, 'gp2'),
    IamInstanceProfile: str(raw.IamInstanceProfile),
    VpcId: str(raw.VpcId),
    SubnetId: str(raw.SubnetId),
    Zone: str(raw.Zone, 'a'),
    RequestSpotInstance: bool(raw.RequestSpotInstance),
    SpotPrice: str(raw.SpotPrice),
    BlockDurationMinutes: num(raw.BlockDurationMinutes, 0),
    PrivateIPOnly: bool(raw.PrivateIPOnly),
    UsePrivateIP: bool(raw.UsePrivateIP),
    UseEbsOptimizedInstance: bool(raw.UseEbsOptimizedInstance),
    Monitoring: bool(raw.Monitoring),
    SSHPrivateKeyPath: str(raw.SSHPrivateKeyPath),
    RetryCount: num(raw.RetryCount, 5),
    Endpoint: str(raw.Endpoint),
    DisableSSL: bool(raw.DisableSSL),
    UserDataFile: str(raw.UserDataFile),
    SpotInstanceRequestId: str(raw.SpotInstanceRequestId),
    HttpTokens: str(raw.HttpTokens, 'required'),
    HttpEndpoint: str(raw.HttpEndpoint, 'enabled'),
  };
}

/** The complete config to hand back: base keys, own keys, then unknown keys kept as they were. */
export function writeEc2Config(machine: MachineContext, config: Ec2Config): DriverConfig {
  const { base, own } = splitBaseConfig(config);
  return composeDriverConfig(machine, base, own);
}

/** The availability zone the config names (`us-east-1` + `a`). */
export function availabilityZone(config: Pick<Ec2Config, 'Region' | 'Zone'>): string {
  return `${config.Region}${config.Zone}`;
}

/** The address Berth talks to: the private one when asked for, else the public one. */
export function usesPrivateAddress(config: Pick<Ec2Config, 'PrivateIPOnly' | 'UsePrivateIP'>): boolean {
  return config.PrivateIPOnly || config.UsePrivateIP;
}
