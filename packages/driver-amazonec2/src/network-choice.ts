import { InvalidFlagError, isBerthError, MissingFlagError } from '@berth/driver-protocol';
import type { Ec2Api } from './ec2-api.js';

/** Where the instance goes. */
export interface NetworkChoice {
  vpcId: string;
  subnetId: string;
  /** Full availability zone, e.g. `us-east-1a`. */
  availabilityZone: string;
  /** The part after the region (`a`), as Docker Machine stored `Zone`. */
  zone: string;
}

export interface NetworkWanted {
  region: string;
  vpcId: string;
  subnetId: string;
  /** Zone suffix as given (`a`), or `''` when not given. */
  zone: string;
}

function zoneSuffix(region: string, availabilityZone: string): string {
  return availabilityZone.startsWith(region) ? availabilityZone.slice(region.length) : availabilityZone;
}

/**
 * Decides VPC, subnet and zone from what the user gave, fixing Docker Machine's gaps: a subnet alone
 * decides VPC and zone; a subnet that contradicts `--amazonec2-vpc-id` or `--amazonec2-zone` is
 * refused naming all four; an account without a default VPC works when the subnet or VPC is given,
 * or when the region has exactly one VPC.
 */
export async function chooseNetwork(
  api: Ec2Api,
  wanted: NetworkWanted,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<NetworkChoice> {
  const { region } = wanted;
  if (wanted.subnetId) {
    let subnets: Awaited<ReturnType<Ec2Api['describeSubnets']>>['Subnets'];
    try {
      subnets = (await api.describeSubnets({ SubnetIds: [wanted.subnetId] }, signal)).Subnets;
    } catch (error) {
      if (isBerthError(error) && error.data.awsCode === 'InvalidSubnetID.NotFound') {
        throw new InvalidFlagError(`subnet ${wanted.subnetId} does not exist in region ${region}`, {
          actions: [
            'Check --amazonec2-subnet-id (AWS_SUBNET_ID) and --amazonec2-region: the subnet must be in that region.',
          ],
          data: { flag: 'amazonec2-subnet-id', subnetId: wanted.subnetId, region },
        });
      }
      throw error;
    }
    const subnet = subnets?.[0];
    if (!subnet?.VpcId || !subnet.AvailabilityZone) {
      throw new InvalidFlagError(`subnet ${wanted.subnetId} does not exist in region ${region}`, {
        actions: ['Check --amazonec2-subnet-id (AWS_SUBNET_ID) and --amazonec2-region.'],
        data: { flag: 'amazonec2-subnet-id', subnetId: wanted.subnetId, region },
      });
    }
    const vpcId = subnet.VpcId;
    const availabilityZone = subnet.AvailabilityZone;
    const facts = { region, vpcId, subnetId: wanted.subnetId, availabilityZone };
    if (wanted.vpcId && wanted.vpcId !== vpcId) {
      throw new InvalidFlagError(
        `subnet ${wanted.subnetId} is in VPC ${vpcId} (zone ${availabilityZone}, region ${region}), not in VPC ${wanted.vpcId} given by --amazonec2-vpc-id`,
        {
          actions: [
            `Leave out --amazonec2-vpc-id (the subnet decides the VPC), or give a subnet of VPC ${wanted.vpcId}.`,
          ],
          data: { ...facts, flag: 'amazonec2-vpc-id', wantedVpcId: wanted.vpcId },
        },
      );
    }
    if (wanted.zone && `${region}${wanted.zone}` !== availabilityZone && wanted.zone !== availabilityZone) {
      throw new InvalidFlagError(
        `subnet ${wanted.subnetId} (VPC ${vpcId}, region ${region}) is in zone ${availabilityZone}, not in zone ${region}${wanted.zone} given by --amazonec2-zone`,
        {
          actions: [
            `Leave out --amazonec2-zone (the subnet decides the zone), or give a subnet in zone ${region}${wanted.zone}.`,
          ],
          data: { ...facts, flag: 'amazonec2-zone', wantedZone: `${region}${wanted.zone}` },
        },
      );
    }
    return { vpcId, subnetId: wanted.subnetId, availabilityZone, zone: zoneSuffix(region, availabilityZone) };
  }

  const vpcId = wanted.vpcId || (await defaultOrOnlyVpc(api, region, signal, log));
  const zone = wanted.zone || 'a';
  const availabilityZone = `${region}${zone}`;
  const subnets =
    (
      await api.describeSubnets(
        {
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'availability-zone', Values: [availabilityZone] },
          ],
        },
        signal,
      )
    ).Subnets ?? [];
  const subnet = subnets.find((s) => s.DefaultForAz) ?? subnets[0];
  if (!subnet?.SubnetId) {
    throw new InvalidFlagError(
      `unable to find a subnet that is both in the zone ${availabilityZone} and belonging to VPC ${vpcId} (region ${region})`,
      {
        actions: [
          'Give a subnet with --amazonec2-subnet-id, or another zone with --amazonec2-zone, and check that the VPC exists in this region.',
        ],
        data: { flag: 'amazonec2-zone', region, vpcId, availabilityZone },
      },
    );
  }
  return { vpcId, subnetId: subnet.SubnetId, availabilityZone, zone };
}

async function defaultOrOnlyVpc(
  api: Ec2Api,
  region: string,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<string> {
  const attributes = await api.describeAccountAttributes({ AttributeNames: ['default-vpc'] }, signal);
  const value = attributes.AccountAttributes?.[0]?.AttributeValues?.[0]?.AttributeValue ?? 'none';
  if (value && value !== 'none') return value;
  // No default VPC (deleted, or an account made that way): one VPC in the region is unambiguous.
  const vpcs = (await api.describeVpcs({}, signal)).Vpcs ?? [];
  const only = vpcs.length === 1 ? vpcs[0]?.VpcId : undefined;
  if (only) {
    log(`The account has no default VPC in ${region}; using its only VPC, ${only}.`);
    return only;
  }
  const listed = vpcs.map((vpc) => vpc.VpcId).join(', ');
  throw new MissingFlagError(
    `the account has no default VPC in region ${region}${vpcs.length ? ` and ${vpcs.length} VPCs (${listed})` : ' and no VPC at all'}: Berth cannot choose where the instance goes`,
    {
      actions: ['Give --amazonec2-subnet-id (its VPC and zone are used), or --amazonec2-vpc-id and --amazonec2-zone.'],
      data: { flag: 'amazonec2-subnet-id', region, vpcs: vpcs.map((vpc) => vpc.VpcId) },
    },
  );
}
