import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MachineJournal } from '@berth/driver-sdk';
import {
  bashWithBerth,
  berthOnPath,
  DigitalOceanSimulator,
  type Ec2Leftovers,
  Ec2Simulator,
  type SimInstance,
  TestSession,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captured,
  configTemplate,
  createArgs,
  driverProcesses,
  ec2Berth,
  ec2BerthOk,
  ec2Env,
  startEc2Berth,
  storedMachines,
  writeMachine,
} from './support/ec2-cli.js';
import { sampleDrivers } from './support/process-sampler.js';

// The whole life of an EC2 machine through the real `berth`, against the simulator whose
// instances are real test hosts (Debian, systemd, sshd; the AMI's `ubuntu` user made at launch).

const NOTHING: Ec2Leftovers = { keyPairs: [], instances: [], securityGroups: [], spotRequests: [] };

let session: TestSession;
let sim: Ec2Simulator;
let store: string;
let bin: string;

const run = (args: string[]) => ec2BerthOk(args, { store, sim });

/** `docker` through `berth config`, as a user types it; its output is captured for the secret check. */
async function docker(command: string, name = 'ec2') {
  // SHELL unset, as under cron and CI runners.
  const result = await bashWithBerth(`docker $(berth config ${name}) ${command}`, {
    store,
    binDir: bin,
    unset: ['SHELL'],
  });
  captured.push(result.stdout, result.stderr);
  return result;
}

async function rows(): Promise<string[][]> {
  const ls = await run(['ls']);
  return ls.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/).filter(Boolean));
}

beforeAll(async () => {
  session = await TestSession.create();
  sim = await Ec2Simulator.start({ session });
  // Every child (berth, and berth run by bash) sees only the simulator's credentials and no way to AWS.
  Object.assign(process.env, ec2Env(sim));
  store = await mkdtemp(join(tmpdir(), 'berth-ec2-life-'));
  bin = await berthOnPath();
});

afterAll(async () => {
  await sim?.close();
  await session?.clean();
  for (const dir of [store, bin]) if (dir) await rm(dir, { recursive: true, force: true });
  const all = captured.join('\n');
  expect(all).not.toContain(sim.credentials.secretAccessKey);
  expect(all).not.toContain(encodeURIComponent(sim.credentials.secretAccessKey));
});

describe('an EC2 machine from create to rm', () => {
  it('create launches an IMDSv2-only instance and provisions Docker; docker $(berth config) runs a container', async () => {
    const created = await ec2BerthOk(createArgs(sim, 'ec2', ['--engine-install-url', session.installScriptUrl]), {
      store,
      sim,
      env: { MACHINE_DEBUG: '1' },
    });
    const out = created.stdout;
    expect(out).toMatch(/\(ec2\) Configuring security groups \(docker-machine\) in vpc-[0-9a-f]+\.\.\./);
    expect(out).toMatch(/\(ec2\) Importing key pair ec2-[0-9a-f]{8}\.\.\./);
    expect(out).toContain('(ec2) Launching an instance (t2.micro) in us-east-1a...');
    expect(out).toContain('Docker is up and running!');
    const config = JSON.parse(await readFile(join(store, 'machines/ec2/config.json'), 'utf8'));
    expect(config.DriverName).toBe('amazonec2');
    const instance = sim.world.instances.get(config.Driver.InstanceId) as SimInstance;
    expect(instance.httpTokens).toBe('required');
    expect(instance.address).toBe(config.Driver.IPAddress);
    const journal = await new MachineJournal(join(store, 'machines/ec2')).entries();
    expect(journal.map((e) => e.kind).sort()).toEqual(['instance', 'key-pair', 'security-group']);
    const inspect = await run(['inspect', 'ec2']);
    expect(inspect.stdout).not.toContain(sim.credentials.secretAccessKey);

    const tiny = session.images.tiny;
    const loaded = await docker(`load -i ${session.images.tinyTar}`);
    expect(loaded.code, loaded.stderr).toBe(0);
    const hello = await docker(`run --rm ${tiny} echo hello-from-ec2`);
    expect(hello.code, hello.stderr).toBe(0);
    expect(hello.stdout).toContain('hello-from-ec2');
  });

  it('ls of 20 machines (amazonec2, digitalocean, generic): one process per driver, one DescribeInstances for all EC2 machines', async () => {
    const template = await configTemplate(store);
    const real = JSON.parse(await readFile(join(store, 'machines/ec2/config.json'), 'utf8')).Driver;
    const seeded: SimInstance[] = [];
    for (let i = 1; i <= 14; i += 1) {
      const name = `fake${String(i).padStart(2, '0')}`;
      const instance = await sim.seedInstance({ state: i % 2 === 0 ? 'stopped' : 'running' });
      seeded.push(instance);
      await writeMachine(
        store,
        name,
        'amazonec2',
        { ...real, MachineName: name, InstanceId: instance.instanceId },
        template,
      );
    }
    // DigitalOcean machines whose droplet was never made: the driver answers without calling its API
    // (which is a loopback simulator anyway).
    const digitalOcean = await DigitalOceanSimulator.start();
    for (const name of ['do1', 'do2']) {
      await writeMachine(
        store,
        name,
        'digitalocean',
        {
          IPAddress: '',
          MachineName: name,
          SSHUser: 'root',
          SSHPort: 22,
          SSHKeyPath: '',
          StorePath: store,
          AccessToken: digitalOcean.token,
          DropletID: 0,
          APIURL: digitalOcean.url,
        },
        template,
      );
    }
    for (const name of ['gen1', 'gen2', 'gen3']) {
      await writeMachine(
        store,
        name,
        'generic',
        {
          IPAddress: '127.0.0.1',
          MachineName: name,
          SSHUser: 'root',
          SSHPort: 1,
          SSHKeyPath: '',
          StorePath: store,
          EnginePort: 2376,
          SSHKey: '',
        },
        template,
      );
    }
    try {
      await lsOfTwenty();
    } finally {
      await digitalOcean.close();
      const names = seeded.map((_, i) => `fake${String(i + 1).padStart(2, '0')}`);
      for (const name of [...names, 'do1', 'do2', 'gen1', 'gen2', 'gen3']) {
        await rm(join(store, 'machines', name), { recursive: true, force: true });
      }
      for (const instance of seeded) instance.state = 'terminated';
    }
  });
});

async function lsOfTwenty(): Promise<void> {
  // Built-in drivers are served in berth's process; BERTH_ISOLATE_DRIVERS=1 runs them as
  // executables, as third-party drivers always are. Either way: one driver per kind, one
  // DescribeInstances for every EC2 machine.
  for (const [env, spawned] of [
    [{}, []],
    [{ BERTH_ISOLATE_DRIVERS: '1' }, ['amazonec2', 'digitalocean', 'generic']],
  ] as const) {
    const before = sim.lastCallIndex;
    const live = startEc2Berth(['ls', '--timeout', '5'], { store, sim, env });
    const sampler = sampleDrivers(live.child.pid as number);
    const exit = await live.exited;
    const drivers = await sampler.stop();
    expect(exit.code, live.stderr()).toBe(0);
    expect(drivers).toEqual(spawned);
    expect(sim.count('DescribeInstances', before)).toBe(1);
    expect(sim.count(undefined, before)).toBe(1);
    const lines = live.stdout().trim().split('\n').slice(1);
    expect(lines).toHaveLength(20);
    const state = (name: string) => lines.find((line) => line.startsWith(`${name} `))?.split(/\s+/)[3];
    expect(state('ec2')).toBe('Running');
    expect(state('fake01')).toBe('Running');
    expect(state('fake02')).toBe('Stopped');
    expect(lines.filter((line) => /\samazonec2\s+Stopped\s/.test(line))).toHaveLength(7);
  }
}

describe('an EC2 machine from create to rm (continued)', () => {
  it('stop, then ls shows it Stopped', async () => {
    const stop = await run(['stop', 'ec2']);
    expect(stop.stdout).toBe('Stopping "ec2"...\nMachine "ec2" was stopped.\n');
    expect(await rows()).toEqual([['ec2', '-', 'amazonec2', 'Stopped', 'Unknown']]);
    // docker-machine's guard: stopping a stopped machine says so and fails, without a driver call.
    const again = await ec2Berth(['stop', 'ec2'], { store, sim });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('Stopping "ec2"...\n');
    expect(again.stderr).toContain('Machine "ec2" is already stopped.');
  });

  it('start brings it back on a new IP address, and docker works without regenerate-certs', async () => {
    const before = JSON.parse(await readFile(join(store, 'machines/ec2/config.json'), 'utf8')).Driver.IPAddress;
    const start = await run(['start', 'ec2']);
    expect(start.stdout).toContain('Machine "ec2" was started.');
    const ip = (await run(['ip', 'ec2'])).stdout.trim();
    expect(ip).not.toBe(before);
    expect(JSON.parse(await readFile(join(store, 'machines/ec2/config.json'), 'utf8')).Driver.IPAddress).toBe(ip);
    const version = await docker("version --format '{{.Server.Version}}'");
    expect(version.code, version.stderr).toBe(0);
    const [row] = await rows();
    expect(row?.slice(0, 5)).toEqual(['ec2', '-', 'amazonec2', 'Running', `tcp://${ip}:2376`]);
  });

  it('restart reboots the instance and docker answers again', async () => {
    const restart = await run(['restart', 'ec2']);
    expect(restart.stdout).toContain('Restarting "ec2"...');
    expect(sim.count('RebootInstances')).toBe(1);
    await sim.world.idle();
    const version = await docker("version --format '{{.Server.Version}}'");
    expect(version.code, version.stderr).toBe(0);
  });

  it('kill stops it at once', async () => {
    const kill = await run(['kill', 'ec2']);
    expect(kill.stdout).toBe('Killing "ec2"...\nMachine "ec2" was killed.\n');
    expect((await run(['status', 'ec2'])).stdout).toBe('Stopped\n');
    const force = sim.calls
      .filter((c) => c.action === 'StopInstances')
      .map((c) => (c.params as { Force?: string }).Force);
    expect(force).toEqual(['false', 'true']);
  });

  it('rm -y removes every resource it made, and the store entry', async () => {
    const removed = await run(['rm', '-y', 'ec2']);
    expect(removed.stdout).toMatch(/\(ec2\) Terminated instance i-[0-9a-f]+\n/);
    expect(removed.stdout).toMatch(/\(ec2\) Deleted security group sg-[0-9a-f]+\n/);
    expect(removed.stdout).toMatch(/\(ec2\) Deleted key pair "ec2-[0-9a-f]{8}"\n/);
    expect(removed.stdout).toContain('Successfully removed ec2');
    expect(await storedMachines(store)).toEqual([]);
    expect(await sim.leftovers()).toEqual(NOTHING);
    expect(await driverProcesses()).toBe('');
  });
});

it('Ctrl-C while Docker is being installed removes the instance, the group, the key pair and the machine', async () => {
  const live = startEc2Berth(createArgs(sim, 'intr', ['--engine-install-url', session.installScriptUrl]), {
    store,
    sim,
  });
  await live.waitFor('Installing Docker...');
  live.interrupt();
  const exit = await live.exited;
  expect(exit.code).not.toBe(0);
  expect(exit.afterInterruptMs).toBeLessThan(30_000);
  expect(live.stderr()).toMatch(/^Error creating machine: Interrupted while installing/m);
  expect(live.stdout()).toMatch(/\(intr\) Terminated instance i-/);
  expect(await storedMachines(store)).toEqual([]);
  expect(await sim.leftovers()).toEqual(NOTHING);
  expect(await driverProcesses()).toBe('');
});
