import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isBerthError, type MachineParams } from '@berth/driver-protocol';
import { MachineJournal } from '@berth/driver-sdk';
import type { QueryTree } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriverHarness } from './support/driver-harness.js';

let h: DriverHarness;

beforeAll(async () => {
  h = await DriverHarness.start();
});

afterAll(async () => {
  await h?.close();
});

afterEach(() => {
  h.sim.clearFaults();
});

async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code: string; actions: string[]; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (isBerthError(error)) return error as never;
    throw error;
  }
  throw new Error('expected a rejection');
}

function lastCall(action: string): QueryTree {
  const call = [...h.sim.calls].reverse().find((c) => c.action === action);
  if (!call) throw new Error(`no ${action} call`);
  return call.params as QueryTree;
}

async function createMachine(name: string, given: Record<string, unknown> = {}): Promise<MachineParams> {
  const params = await h.configure(name, given);
  const { driverConfig } = await h.driver.create(params, h.context());
  return { machine: { ...params.machine, driverConfig } };
}

describe('setConfigFromFlags: network, AMI and flag rules', () => {
  it('uses the default VPC, its subnet in zone a, and the current Ubuntu LTS AMI from SSM', async () => {
    const params = await h.configure('net1');
    const config = params.machine.driverConfig;
    const vpc = [...h.sim.world.vpcs.values()].find((v) => v.isDefault);
    const subnet = [...h.sim.world.subnets.values()].find(
      (s) => s.vpcId === vpc?.vpcId && s.availabilityZone === 'us-east-1a',
    );
    expect(config).toMatchObject({ VpcId: vpc?.vpcId, SubnetId: subnet?.subnetId, Zone: 'a', AMI: h.sim.defaultAmi });
    expect(config.Id).toMatch(/^[0-9a-f]{32}$/);
    expect(config).toMatchObject({ HttpTokens: 'required', HttpEndpoint: 'enabled', SSHUser: 'ubuntu', SSHPort: 22 });
  });

  it('--amazonec2-ami wins over the lookup (no SSM call); Graviton types look up the arm64 AMI', async () => {
    const before = h.sim.lastCallIndex;
    const given = await h.configure('ami1', { 'amazonec2-ami': 'ami-0123456789abcdef0' });
    expect(given.machine.driverConfig.AMI).toBe('ami-0123456789abcdef0');
    expect(h.sim.count('GetParameter', before)).toBe(0);
    const arm = await h.configure('ami2', { 'amazonec2-instance-type': 't4g.small' });
    expect(lastCall('GetParameter').Name).toContain('/arm64/');
    expect(arm.machine.driverConfig.AMI).not.toBe(h.sim.defaultAmi);
  });

  it('derives VPC and zone from --amazonec2-subnet-id, and refuses a VPC or zone that contradicts it', async () => {
    const { vpc, subnets } = h.sim.addVpc({ zones: ['b', 'c'] });
    const subnet = subnets[1];
    const params = await h.configure('net2', { 'amazonec2-subnet-id': subnet?.subnetId });
    expect(params.machine.driverConfig).toMatchObject({ VpcId: vpc.vpcId, SubnetId: subnet?.subnetId, Zone: 'c' });

    const defaultVpc = [...h.sim.world.vpcs.values()].find((v) => v.isDefault)?.vpcId;
    const wrongVpc = await rejection(
      h.configure('net3', { 'amazonec2-subnet-id': subnet?.subnetId, 'amazonec2-vpc-id': defaultVpc }),
    );
    expect(wrongVpc.code).toBe('InvalidFlag');
    for (const fact of ['us-east-1', vpc.vpcId, subnet?.subnetId, 'us-east-1c', defaultVpc]) {
      expect(wrongVpc.message).toContain(fact);
    }
    const wrongZone = await rejection(
      h.configure('net4', { 'amazonec2-subnet-id': subnet?.subnetId, 'amazonec2-zone': 'b' }),
    );
    expect(wrongZone.code).toBe('InvalidFlag');
    for (const fact of ['us-east-1', vpc.vpcId, subnet?.subnetId, 'us-east-1c', 'us-east-1b']) {
      expect(wrongZone.message).toContain(fact);
    }
    const missing = await rejection(h.configure('net5', { 'amazonec2-subnet-id': 'subnet-0000000000000000f' }));
    expect(missing.message).toBe('subnet subnet-0000000000000000f does not exist in region us-east-1');
  });

  it('refuses --amazonec2-spot-price without --amazonec2-request-spot-instance before any API call', async () => {
    const before = h.sim.lastCallIndex;
    const error = await rejection(h.configure('spot0', { 'amazonec2-spot-price': '0.05' }));
    expect(error.code).toBe('InvalidFlag');
    expect(error.message).toBe('--amazonec2-spot-price 0.05 is only used with --amazonec2-request-spot-instance');
    expect(h.sim.count(undefined, before)).toBe(0);
    const keypair = await rejection(h.configure('kp0', { 'amazonec2-keypair-name': 'mine' }));
    expect(keypair.message).toBe('using --amazonec2-keypair-name also requires --amazonec2-ssh-keypath');
    const insecure = await rejection(
      h.configure('in0', { 'amazonec2-insecure-transport': true, 'amazonec2-endpoint': '' }),
    );
    expect(insecure.message).toBe('using --amazonec2-insecure-transport also requires --amazonec2-endpoint');
  });

  it('maps EC2 credential errors to InvalidFlag naming the secret-key flag, never the secret', async () => {
    const error = await rejection(h.configure('auth0', { 'amazonec2-secret-key': 'wrong-secret-value' }));
    expect(error.code).toBe('InvalidFlag');
    expect(error.message).toMatch(/^DescribeAccountAttributes failed: SignatureDoesNotMatch: /);
    expect(JSON.stringify({ m: error.message, a: error.actions, d: error.data })).not.toContain('wrong-secret-value');
  });
});

describe('accounts without a default VPC', () => {
  let bare: DriverHarness;
  beforeAll(async () => {
    bare = await DriverHarness.start({ defaultVpc: false });
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('refuses with the VPCs listed when there are several, and uses the only one otherwise', async () => {
    const one = bare.sim.addVpc({ zones: ['a'] });
    const params = await bare.configure('solo');
    expect(params.machine.driverConfig).toMatchObject({ VpcId: one.vpc.vpcId, SubnetId: one.subnets[0]?.subnetId });
    const two = bare.sim.addVpc({ zones: ['a'] });
    const error = await rejection(bare.configure('two'));
    expect(error.code).toBe('MissingFlag');
    expect(error.message).toContain(one.vpc.vpcId);
    expect(error.message).toContain(two.vpc.vpcId);
    const bySubnet = await bare.configure('sub', { 'amazonec2-subnet-id': two.subnets[0]?.subnetId });
    expect(bySubnet.machine.driverConfig.VpcId).toBe(two.vpc.vpcId);
    // Security groups are found and made in the machine's VPC, not a default one.
    const { driverConfig } = await bare.driver.create(bySubnet, bare.context());
    const group = bare.sim.world.securityGroups.get((driverConfig.SecurityGroupIds as string[])[0] as string);
    expect(group).toMatchObject({ vpcId: two.vpc.vpcId, groupName: 'docker-machine' });
    await bare.driver.remove({ machine: { ...bySubnet.machine, driverConfig } }, bare.context());
    expect(await bare.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
  });
});

describe('create and remove', () => {
  it('creates key pair, security group and instance (IMDSv2, tagged), journals each, and rm removes them all', async () => {
    // A group of the same name in another VPC must not be picked up.
    const other = h.sim.addVpc({ zones: ['a'] });
    h.sim.world.securityGroups.set('sg-0ffffffffffffff01', {
      groupId: 'sg-0ffffffffffffff01',
      groupName: 'docker-machine',
      description: 'elsewhere',
      vpcId: other.vpc.vpcId,
      isVpcDefault: false,
      ingress: [],
      tags: new Map(),
    });
    const params = await createMachine('full', {
      'amazonec2-tags': 'team,blue',
      'amazonec2-open-port': ['8080', '53/udp'],
    });
    const config = params.machine.driverConfig;
    expect(config.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(config.IPAddress).toMatch(/^127\.1\./);
    expect(config.KeyName).toBe(`full-${String(config.Id).slice(0, 8)}`);
    expect(config.SSHKeyPath).toBe(join(params.machine.machineDir, 'id_rsa'));
    expect((await stat(join(params.machine.machineDir, 'id_rsa'))).mode & 0o777).toBe(0o600);
    const pub = await readFile(join(params.machine.machineDir, 'id_rsa.pub'), 'utf8');
    expect(pub).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ berth-full\n$/);
    expect(h.sim.world.keyPairByName(config.KeyName as string)?.publicKey).toBe(pub.trim());

    const run = lastCall('RunInstances');
    expect(run.MetadataOptions).toEqual({ HttpTokens: 'required', HttpEndpoint: 'enabled' });
    const groupId = (config.SecurityGroupIds as string[])[0];
    expect(groupId).not.toBe('sg-0ffffffffffffff01');
    const group = h.sim.world.securityGroups.get(groupId as string);
    expect(group?.vpcId).toBe(config.VpcId);
    expect(group?.ingress.map((p) => `${p.ipProtocol}/${p.fromPort}`).sort()).toEqual([
      'tcp/22',
      'tcp/2376',
      'tcp/8080',
      'udp/53',
    ]);
    const instance = h.sim.world.instances.get(config.InstanceId as string);
    expect(Object.fromEntries(instance?.tags ?? [])).toEqual({
      Name: 'full',
      'berth:managed-by': 'berth',
      'berth:machine': 'full',
      'berth:machine-id': config.Id,
      team: 'blue',
    });
    const journal = await new MachineJournal(params.machine.machineDir).entries();
    expect(journal.map((e) => `${e.kind}:${e.id}`).sort()).toEqual(
      [`instance:${config.InstanceId}`, `key-pair:${config.KeyName}`, `security-group:${groupId}`].sort(),
    );

    await h.driver.remove(params, h.context());
    expect(await new MachineJournal(params.machine.machineDir).entries()).toEqual([]);
    expect(h.sim.world.securityGroups.has('sg-0ffffffffffffff01')).toBe(true);
    h.sim.world.securityGroups.delete('sg-0ffffffffffffff01');
    expect(await h.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
  });

  it('launches spot through RunInstances market options (no request polling) and cancels the request on rm', async () => {
    const before = h.sim.lastCallIndex;
    const params = await createMachine('spot', {
      'amazonec2-request-spot-instance': true,
      'amazonec2-spot-price': '0.05',
    });
    const run = lastCall('RunInstances');
    expect(run.InstanceMarketOptions).toEqual({
      MarketType: 'spot',
      SpotOptions: { MaxPrice: '0.05', SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
    });
    expect(h.sim.count('RequestSpotInstances', before) + h.sim.count('DescribeSpotInstanceRequests', before)).toBe(0);
    const sir = params.machine.driverConfig.SpotInstanceRequestId as string;
    expect(sir).toMatch(/^sir-/);
    const journal = await new MachineJournal(params.machine.machineDir).entries();
    expect(journal.map((e) => e.kind)).toContain('spot-request');
    await h.driver.remove(params, h.context());
    expect(h.sim.world.spotRequests.get(sir)?.state).not.toMatch(/open|active/);
    expect(await h.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
  });

  it('shares a security group Berth made: the last machine using it removes it', async () => {
    const first = await createMachine('share1');
    const second = await createMachine('share2');
    const groupId = (first.machine.driverConfig.SecurityGroupIds as string[])[0] as string;
    expect(second.machine.driverConfig.SecurityGroupIds).toEqual([groupId]);
    h.progress.length = 0;
    await h.driver.remove(first, h.context());
    expect(h.sim.world.securityGroups.has(groupId)).toBe(true);
    expect(h.progress.map((p) => p.message).join('\n')).toContain(`Kept security group ${groupId} (still used by`);
    await h.driver.remove(second, h.context());
    expect(await h.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
  });

  it('rm succeeds when the resources are already gone, and names what it cannot remove with the command to do it', async () => {
    const params = await createMachine('gone');
    const config = params.machine.driverConfig;
    h.sim.world.keyPairs.clear();
    const instance = h.sim.world.instances.get(config.InstanceId as string);
    if (instance) instance.state = 'terminated';
    await h.driver.remove(params, h.context());
    expect(await h.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });

    const stuck = await createMachine('stuck');
    const id = stuck.machine.driverConfig.InstanceId as string;
    h.sim.inject({ kind: 'error', action: 'TerminateInstances', code: 'UnauthorizedOperation', status: 403, times: 5 });
    const error = await rejection(h.driver.remove(stuck, { ...h.context() }));
    expect(error.message).toContain(`instance ${id}`);
    expect(error.actions.join('\n')).toContain(
      `Remove it with: aws ec2 --region us-east-1 --endpoint-url ${h.sim.endpoint} terminate-instances --instance-ids ${id}`,
    );
    h.sim.clearFaults();
    await h.driver.remove(stuck, h.context());
    expect(await h.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
  }, 60_000);
});

describe('failures and interruptions during create leave nothing behind', () => {
  it('an API error at every step of create rolls back what the journal lists', async () => {
    const probe = await h.configure('steps');
    const from = h.sim.lastCallIndex;
    const done = await h.driver.create(probe, h.context());
    const steps = h.sim.calls.filter((c) => c.index > from).map((c) => c.action);
    await h.driver.remove({ machine: { ...probe.machine, driverConfig: done.driverConfig } }, h.context());
    expect(steps).toEqual([
      'DescribeSecurityGroups',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'ImportKeyPair',
      'RunInstances',
      'DescribeInstances',
    ]);
    for (const [index, action] of steps.entries()) {
      const params = await h.configure(`step${index}`);
      const nth = steps.slice(0, index + 1).filter((a) => a === action).length;
      h.sim.inject({
        kind: 'error',
        action,
        nth,
        code: 'UnauthorizedOperation',
        status: 403,
        message: 'You are not authorized to perform this operation.',
      });
      const error = await rejection(h.driver.create(params, h.context()));
      expect(error.message).toBe(
        `${action} failed: UnauthorizedOperation: You are not authorized to perform this operation.`,
      );
      if (index > 1) expect(error.actions[0]).toMatch(/^Berth removed what it had created in EC2: /);
      expect(await h.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
      expect(await new MachineJournal(params.machine.machineDir).entries()).toEqual([]);
    }
  }, 60_000);

  it('a cancelled create whose RunInstances answer never arrived still finds and removes the instance', async () => {
    for (const action of ['ImportKeyPair', 'CreateSecurityGroup', 'RunInstances']) {
      const params = await h.configure(`cancel-${action}`);
      const controller = new AbortController();
      h.sim.inject({ kind: 'slow', action, ms: 1_500, after: true });
      const stop = h.sim.onRequest((call) => {
        if (call.action === action) setTimeout(() => controller.abort(), 200);
      });
      const error = await rejection(h.driver.create(params, h.context(controller.signal)));
      stop();
      expect(error.code).toBe('Cancelled');
      expect(await h.sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
      expect(await new MachineJournal(params.machine.machineDir).entries()).toEqual([]);
    }
  }, 60_000);
});

describe('state queries', () => {
  it('coalesces concurrent getState/getUrl of many machines into one DescribeInstances', async () => {
    const machines: MachineParams[] = [];
    const base = (await h.configure('batch-template')).machine.driverConfig;
    for (let i = 0; i < 40; i += 1) {
      const instance = await h.sim.seedInstance({ state: i % 2 === 0 ? 'running' : 'stopped' });
      machines.push(await h.params(`b${i}`, { ...base, InstanceId: instance.instanceId, MachineName: `b${i}` }));
    }
    const before = h.sim.lastCallIndex;
    const urls = await Promise.allSettled(machines.map((m) => h.driver.getUrl(m, h.context())));
    const states = await Promise.all(machines.map((m) => h.driver.getState(m, h.context())));
    expect(h.sim.count(undefined, before)).toBe(1);
    expect(h.sim.count('DescribeInstances', before)).toBe(1);
    expect(states.map((s) => s.state)).toEqual(machines.map((_, i) => (i % 2 === 0 ? 'Running' : 'Stopped')));
    expect(urls.filter((u) => u.status === 'fulfilled')).toHaveLength(20);
    const rejected = urls.find((u) => u.status === 'rejected');
    expect(rejected?.status === 'rejected' && (rejected.reason as Error).message).toBe('Host is not running');
  });
});
