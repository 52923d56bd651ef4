import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MachineJournal } from '@berth/driver-sdk';
import { type Ec2Leftovers, Ec2Simulator, generateKeyPair } from '@berth/test-kit';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  captured,
  configTemplate,
  createArgs,
  driverProcesses,
  ec2Berth,
  startEc2Berth,
  storedMachines,
  writeMachine,
} from './support/ec2-cli.js';

// Every create here runs against a simulator whose instances are virtual (an address, no machine):
// the failures under test all happen before SSH, or are interrupted at it.

const NOTHING: Ec2Leftovers = { keyPairs: [], instances: [], securityGroups: [], spotRequests: [] };
const WAIT = { BERTH_AMAZONEC2_WAIT_SECONDS: '4' };

let sim: Ec2Simulator;
let store: string;
let stopJournalCheck: () => void;
const journalViolations: string[] = [];

/**
 * At every API call, everything the simulator holds for machines of this store must already be in
 * that machine's journal: the driver journals each id before its next call.
 */
function checkJournalsOnEveryCall(): () => void {
  return sim.onRequest(async (call) => {
    const names = await storedMachines(store);
    // A call whose answer has not arrived yet is journaled as `pending:` with the key name, the
    // group name or the client token it was made with.
    const journaled = new Set<string>();
    for (const name of names) {
      for (const entry of await new MachineJournal(join(store, 'machines', name)).entries()) journaled.add(entry.id);
    }
    const world = sim.world;
    const ours = (tags: ReadonlyMap<string, string>) => tags.get('berth:managed-by') === 'berth';
    const held = [
      ...[...world.keyPairs.values()].filter((k) => ours(k.tags)).map((k) => k.keyName),
      ...[...world.securityGroups.values()].filter((g) => ours(g.tags)).map((g) => [g.groupId, g.groupName]),
      ...[...world.instances.values()]
        .filter((i) => ours(i.tags) && i.state !== 'terminated')
        .map((i) => [i.instanceId, i.clientToken ?? '']),
    ].map((ids) => (Array.isArray(ids) ? ids : [ids]));
    for (const ids of held) {
      if (!ids.some((id) => journaled.has(id))) {
        journalViolations.push(`${ids[0]} not journaled when ${call.action} (call ${call.index}) arrived`);
      }
    }
  });
}

beforeEach(async () => {
  journalViolations.length = 0;
  sim = await Ec2Simulator.start();
  store = await mkdtemp(join(tmpdir(), 'berth-ec2-fail-'));
  stopJournalCheck = checkJournalsOnEveryCall();
});

afterEach(async () => {
  stopJournalCheck();
  await sim.close();
  await rm(store, { recursive: true, force: true });
  expect(journalViolations).toEqual([]);
});

afterAll(() => {
  const secret = 'simulator/secret+KEY/do-not-print-0123456789';
  expect(captured.join('\n')).not.toContain(secret);
  expect(captured.join('\n')).not.toContain(encodeURIComponent(secret));
});

async function expectNothingLeft(): Promise<void> {
  expect(await storedMachines(store)).toEqual([]);
  expect(await sim.leftovers()).toEqual(NOTHING);
  expect(await driverProcesses()).toBe('');
}

/** Runs create until SSH is tried (virtual instances have no SSH), then interrupts it. */
async function createUntilSsh(name: string, extra: string[] = [], env: Record<string, string> = {}) {
  const live = startEc2Berth(createArgs(sim, name, extra), { store, sim, env });
  await Promise.race([live.waitFor('Waiting for SSH to be available...'), live.exited]);
  const interruptedAt = sim.lastCallIndex;
  live.interrupt();
  const exit = await live.exited;
  return { live, exit, interruptedAt };
}

describe('an API error at every step of create', () => {
  it('leaves no machine in the store and nothing in EC2, and says what it removed', async () => {
    const recorded = await createUntilSsh('probe');
    expect(recorded.exit.code).not.toBe(0);
    const steps = sim.calls.filter((c) => c.index <= recorded.interruptedAt).map((c) => c.action);
    expect(steps.slice(0, 9)).toEqual([
      'DescribeAccountAttributes',
      'DescribeSubnets',
      'GetParameter',
      'DescribeSecurityGroups',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'ImportKeyPair',
      'RunInstances',
      'DescribeInstances',
    ]);
    expect(steps.length).toBeGreaterThanOrEqual(10);
    await expectNothingLeft();

    for (const [index, action] of steps.entries()) {
      const nth = steps.slice(0, index + 1).filter((a) => a === action).length;
      const message = 'You are not authorized to perform this operation.';
      sim.inject({ kind: 'error', action, nth, code: 'UnauthorizedOperation', status: 403, message });
      const run = await ec2Berth(createArgs(sim, `step${index}`), { store, sim, env: WAIT });
      sim.clearFaults();
      expect(run.code, `${action} #${nth}: ${run.stderr}`).not.toBe(0);
      expect(run.stderr).toContain(`${action} failed: UnauthorizedOperation: ${message}`);
      if (steps.slice(0, index).includes('CreateSecurityGroup')) {
        // Something was made: the user is told what went.
        expect(run.stdout).toMatch(/\(step\d+\) Deleted security group sg-/);
        expect(run.stderr).toContain(`Berth removed the unfinished machine "step${index}"`);
      }
      await expectNothingLeft();
    }
  });
});

describe('Ctrl-C at each phase of create', () => {
  async function interruptWhen(action: string, name: string, extra: string[] = [], delayMs = 150) {
    const live = startEc2Berth(createArgs(sim, name, extra), { store, sim });
    const stop = sim.onRequest((call) => {
      if (call.action === action) setTimeout(() => live.interrupt(), delayMs);
    });
    const exit = await live.exited;
    stop();
    return { live, exit };
  }

  it('while the flags are resolved (DescribeSubnets)', async () => {
    sim.inject({ kind: 'slow', action: 'DescribeSubnets', ms: 3_000 });
    const { live, exit } = await interruptWhen('DescribeSubnets', 'int-flags');
    expect(exit.code).not.toBe(0);
    expect(exit.afterInterruptMs).toBeLessThan(10_000);
    expect(live.stderr()).toMatch(/Interrupted|was cancelled/);
    await expectNothingLeft();
  });

  it('during the pre-create check (DescribeKeyPairs of --amazonec2-keypair-name)', async () => {
    const key = generateKeyPair('mine');
    const keyPath = join(store, 'mine_rsa');
    await writeFile(keyPath, key.privateKey, { mode: 0o600 });
    await writeFile(`${keyPath}.pub`, `${key.publicKey}\n`);
    sim.world.keyPairs.set('key-0aaaaaaaaaaaaaaa1', {
      keyPairId: 'key-0aaaaaaaaaaaaaaa1',
      keyName: 'mine',
      fingerprint: '00',
      publicKey: key.publicKey,
      createTime: new Date(),
      tags: new Map(),
    });
    sim.inject({ kind: 'slow', action: 'DescribeKeyPairs', ms: 3_000 });
    const extra = ['--amazonec2-keypair-name', 'mine', '--amazonec2-ssh-keypath', keyPath];
    const { live, exit } = await interruptWhen('DescribeKeyPairs', 'int-pre', extra);
    expect(exit.code).not.toBe(0);
    expect(live.stderr()).toMatch(/Interrupted|was cancelled/);
    expect(await storedMachines(store)).toEqual([]);
    // The user's key pair is theirs: it stays.
    expect(await sim.leftovers()).toEqual({ ...NOTHING, keyPairs: ['mine'] });
  });

  for (const action of ['ImportKeyPair', 'RunInstances']) {
    it(`during ${action}, whose answer never arrives (found again by tag or client token)`, async () => {
      sim.inject({ kind: 'slow', action, ms: 4_000, after: true });
      const { live, exit } = await interruptWhen(action, `int-${action.toLowerCase()}`);
      expect(exit.code).not.toBe(0);
      expect(exit.afterInterruptMs).toBeLessThan(15_000);
      expect(live.stderr()).toMatch(/^Error creating machine: .*was cancelled/m);
      expect(live.stderr()).toContain('Berth removed the unfinished machine');
      expect(live.stdout()).toMatch(/Deleted key pair "int-/);
      if (action === 'RunInstances') expect(live.stdout()).toMatch(/Terminated instance i-/);
      await expectNothingLeft();
    });
  }

  it('while waiting for the instance to get an IP address', async () => {
    sim.inject({ kind: 'no-address' });
    const live = startEc2Berth(createArgs(sim, 'int-ip'), { store, sim });
    await live.waitFor('to get an IP address...');
    live.interrupt();
    const exit = await live.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.afterInterruptMs).toBeLessThan(15_000);
    expect(live.stdout()).toMatch(/Terminated instance i-/);
    await expectNothingLeft();
  });

  it('while waiting for SSH (SIGTERM counts as Ctrl-C)', async () => {
    const live = startEc2Berth(createArgs(sim, 'int-ssh'), { store, sim });
    await live.waitFor('Waiting for SSH to be available...');
    live.interrupt('SIGTERM');
    const exit = await live.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.afterInterruptMs).toBeLessThan(15_000);
    expect(live.stdout()).toMatch(/Terminated instance i-[0-9a-f]+\n/);
    expect(live.stdout()).toMatch(/Deleted security group sg-/);
    await expectNothingLeft();
  });
});

describe('slow EC2: throttling, a missing IP, a cleanup that fails', () => {
  it('retries throttled calls (429 and 503 RequestLimitExceeded) and gives up after --amazonec2-retries', async () => {
    sim.inject({ kind: 'throttle', action: 'DescribeSubnets', times: 2, status: 429 });
    sim.inject({ kind: 'throttle', action: 'RunInstances', times: 1, status: 503 });
    const { exit } = await createUntilSsh('throttled');
    expect(exit.code).not.toBe(0);
    expect(sim.calls.filter((c) => c.action === 'DescribeSubnets').map((c) => c.status)).toEqual([429, 429, 200]);
    expect(sim.calls.filter((c) => c.action === 'RunInstances').map((c) => c.status)).toEqual([503, 200]);
    await expectNothingLeft();

    sim.inject({ kind: 'throttle', action: 'RunInstances', times: 5 });
    const run = await ec2Berth(createArgs(sim, 'no-retries', ['--amazonec2-retries', '0']), { store, sim });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Error creating machine: Error in driver during machine creation: RunInstances failed: RequestLimitExceeded: Request limit exceeded. (still refused after 1 attempts)',
    );
    await expectNothingLeft();
  });

  it('an instance that never gets an IP times out and is removed', async () => {
    sim.inject({ kind: 'no-address' });
    const run = await ec2Berth(createArgs(sim, 'no-ip'), { store, sim, env: { BERTH_AMAZONEC2_WAIT_SECONDS: '2' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/instance i-[0-9a-f]+ got no public IP address within 2 s/);
    expect(run.stderr).toMatch(/Berth removed what it had created in EC2: .*instance i-/);
    await expectNothingLeft();
  });

  it('a rollback that cannot terminate the instance names it, keeps the machine, and rm removes it later', async () => {
    sim.inject({ kind: 'no-address' });
    sim.inject({ kind: 'error', action: 'TerminateInstances', code: 'UnauthorizedOperation', status: 403, times: 20 });
    const run = await ec2Berth(createArgs(sim, 'stuck'), { store, sim, env: { BERTH_AMAZONEC2_WAIT_SECONDS: '2' } });
    expect(run.code).toBe(1);
    const left = await sim.leftovers();
    const [instance] = left.instances;
    const [group] = left.securityGroups;
    expect(left).toEqual({ keyPairs: [], instances: [instance], securityGroups: [group], spotRequests: [] });
    const base = `aws ec2 --region us-east-1 --endpoint-url ${sim.endpoint}`;
    expect(run.stderr).toContain(`Left behind: instance ${instance} (TerminateInstances failed: UnauthorizedOperation`);
    expect(run.stderr).toContain(`Remove it with: ${base} terminate-instances --instance-ids ${instance}`);
    expect(run.stderr).toContain(`Remove it with: ${base} delete-security-group --group-id ${group}`);
    // What is left is not lost: the machine stays, with its journal, until rm removes it.
    expect(run.stderr).toContain('Berth kept the unfinished machine "stuck"');
    expect(await storedMachines(store)).toEqual(['stuck']);
    sim.clearFaults();
    const removed = await ec2Berth(['rm', '-y', 'stuck'], { store, sim });
    expect(removed.code, removed.stderr).toBe(0);
    expect(await sim.leftovers()).toEqual({ keyPairs: [], instances: [], securityGroups: [], spotRequests: [] });
    expect(await storedMachines(store)).toEqual([]);
  });
});

describe('rm', () => {
  it('removes a machine whose instance is already gone; rm -f removes the local entry when EC2 refuses', async () => {
    const template = await configTemplate(store);
    const driver = (instanceId: string, name: string) => ({
      IPAddress: '',
      MachineName: name,
      SSHUser: 'ubuntu',
      SSHPort: 22,
      SSHKeyPath: join(store, 'machines', name, 'id_rsa'),
      StorePath: store,
      Id: '0123456789abcdef0123456789abcdef',
      AccessKey: sim.credentials.accessKeyId,
      SecretKey: sim.credentials.secretAccessKey,
      Region: 'us-east-1',
      Endpoint: sim.endpoint,
      InstanceId: instanceId,
      KeyName: `${name}-01234567`,
    });
    const gone = await sim.seedInstance();
    gone.state = 'terminated';
    await writeMachine(store, 'gone', 'amazonec2', driver(gone.instanceId, 'gone'), template);
    const removed = await ec2Berth(['rm', '-y', 'gone'], { store, sim });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Successfully removed gone');

    const alive = await sim.seedInstance();
    await writeMachine(store, 'refused', 'amazonec2', driver(alive.instanceId, 'refused'), template);
    sim.inject({ kind: 'error', action: 'TerminateInstances', code: 'UnauthorizedOperation', status: 403, times: 2 });
    const refused = await ec2Berth(['rm', '-y', 'refused'], { store, sim });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`instance ${alive.instanceId}`);
    expect(await storedMachines(store)).toEqual(['refused']);
    const forced = await ec2Berth(['rm', '-f', '-y', 'refused'], { store, sim });
    expect(forced.code).toBe(0);
    expect(await storedMachines(store)).toEqual([]);
    sim.clearFaults();
  });
});

describe('network flags through the CLI', () => {
  it('refuses a subnet of another VPC or zone, naming region, VPC, subnet and zone; works without a default VPC', async () => {
    await sim.close();
    sim = await Ec2Simulator.start({ defaultVpc: false });
    stopJournalCheck();
    stopJournalCheck = checkJournalsOnEveryCall();
    const { vpc, subnets } = sim.addVpc({ zones: ['b'] });
    const other = sim.addVpc({ zones: ['a'] });
    const subnet = subnets[0]?.subnetId as string;
    const run = await ec2Berth(
      createArgs(sim, 'mismatch', ['--amazonec2-subnet-id', subnet, '--amazonec2-vpc-id', other.vpc.vpcId]),
      {
        store,
        sim,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Error setting machine configuration from flags provided: subnet ${subnet} is in VPC ${vpc.vpcId} (zone us-east-1b, region us-east-1), not in VPC ${other.vpc.vpcId} given by --amazonec2-vpc-id\n` +
        `  Leave out --amazonec2-vpc-id (the subnet decides the VPC), or give a subnet of VPC ${other.vpc.vpcId}.\n`,
    );
    const zone = await ec2Berth(
      createArgs(sim, 'mismatch', ['--amazonec2-subnet-id', subnet, '--amazonec2-zone', 'a']),
      { store, sim },
    );
    expect(zone.stderr).toContain(
      `subnet ${subnet} (VPC ${vpc.vpcId}, region us-east-1) is in zone us-east-1b, not in zone us-east-1a`,
    );
    const spot = await ec2Berth(createArgs(sim, 'spot', ['--amazonec2-spot-price', '0.10']), { store, sim });
    expect(spot.stderr).toContain('--amazonec2-spot-price 0.10 is only used with --amazonec2-request-spot-instance');

    // No default VPC: the subnet alone is enough.
    const { exit, live } = await (async () => {
      const started = startEc2Berth(createArgs(sim, 'by-subnet', ['--amazonec2-subnet-id', subnet]), { store, sim });
      await Promise.race([started.waitFor('Waiting for SSH to be available...'), started.exited]);
      started.interrupt();
      return { exit: await started.exited, live: started };
    })();
    expect(exit.code).not.toBe(0);
    expect(live.stdout()).toContain(`Configuring security groups (docker-machine) in ${vpc.vpcId}...`);
    const run2 = sim.calls.find((c) => c.action === 'RunInstances')?.params as Record<string, unknown>;
    expect(run2.Placement).toEqual({ AvailabilityZone: 'us-east-1b' });
    await expectNothingLeft();
  });
});
