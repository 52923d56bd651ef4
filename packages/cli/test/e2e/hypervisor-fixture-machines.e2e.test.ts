// Machines docker-machine 0.16.2 made (the fixture store's dm-vbox and dm-hyperv, config.json as
// its own types wrote them) managed by berth against the VBoxManage and Hyper-V simulators: each
// VM is registered as docker-machine's create left it (boot2docker ISO, the b2d data disk holding
// the machine's key), and its guest is the boot2docker test-host variant. berth lists, starts,
// ssh's into, re-certifies, env's, stops and removes them, and keeps every field of config.json.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bashWithBerth,
  berthOnPath,
  copyFixtureStore,
  dockerMachineFixture,
  dockerMachineFixturesDir,
  FIXTURE_STORE_PATH,
  type HypervSimulator,
  runBerth,
  runBerthOk,
  runCommand,
  sharedDir,
  startHypervSimulator,
  startVirtualBoxSimulator,
  TestSession,
  type VirtualBoxSimulator,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBoot2DockerDataDisk } from './support/boot2docker-data-disk.js';

const VBOX = 'dm-vbox';
const HYPERV = 'dm-hyperv';
const MACHINES = [VBOX, HYPERV] as const;
/** docker-machine's default host-only network, whose adapter its create made long ago (reused as found). */
const VBOX_HOSTONLY_CIDR = '192.168.99.1/24';
/** `--hyperv-virtual-switch` of the fixture's create; the simulator's External switch of that name. */
const HYPERV_SWITCH = 'External Wireless';
const RUN_MS = 300_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every leaf of a JSON document by its dotted path, in document order (arrays as whole values). */
function leaves(value: Json, prefix = ''): Array<[string, string]> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, JSON.stringify(value)]];
  const entries = Object.entries(value);
  if (entries.length === 0) return [[prefix, '{}']];
  return entries.flatMap(([key, item]) => leaves(item, prefix ? `${prefix}.${key}` : key));
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

describe('machines docker-machine 0.16.2 made under VirtualBox and Hyper-V, managed by berth', () => {
  let session: TestSession;
  let vbox: VirtualBoxSimulator;
  let hyperv: HypervSimulator;
  let tmp: string;
  let store: string;
  let berthBin: string;
  /** Both simulators for one berth process (each keeps its own state-dir variable). */
  let simEnv: Record<string, string>;
  /** config.json of each machine as docker-machine wrote it, in this store, before berth ran. */
  const dockerMachineWrote = new Map<string, Json>();
  /** Each machine's address as its simulator gave it at start. */
  const ips = new Map<string, string>();

  const machineDir = (name: string) => join(store, 'machines', name);
  const berth = (args: string[]) => runBerth(args, { store, env: simEnv, timeoutMs: RUN_MS });
  const berthOk = (args: string[]) => runBerthOk(args, { store, env: simEnv, timeoutMs: RUN_MS });
  const storedConfig = async (name: string) =>
    JSON.parse(await readFile(join(machineDir(name), 'config.json'), 'utf8')) as Json;

  /** The guests' addresses as the simulators hold them (the VirtualBox host-only lease, the switch lease). */
  async function simulatorIps(): Promise<Map<string, string | undefined>> {
    const vm = (await vbox.vms()).find((candidate) => candidate.name === VBOX);
    const hv = (await hyperv.vms()).find((candidate) => candidate.name === HYPERV);
    return new Map([
      [VBOX, vm?.guest?.hostOnlyIp],
      [HYPERV, hv?.guest?.ipv4 || undefined],
    ]);
  }

  async function simulatorStates(): Promise<Map<string, string | undefined>> {
    const vm = (await vbox.vms()).find((candidate) => candidate.name === VBOX);
    const hv = (await hyperv.vms()).find((candidate) => candidate.name === HYPERV);
    return new Map([
      [VBOX, vm?.state],
      [HYPERV, hv?.state],
    ]);
  }

  beforeAll(async () => {
    session = await TestSession.create();
    [vbox, hyperv] = await Promise.all([startVirtualBoxSimulator({ session }), startHypervSimulator({ session })]);
    simEnv = {
      ...vbox.env(),
      ...hyperv.env(),
      PATH: `${vbox.binDir}:${hyperv.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    };
    tmp = await mkdtemp(join(tmpdir(), 'berth-hv-fixture-'));
    store = join(tmp, 'store');
    berthBin = await berthOnPath(await mkdtemp(join(tmpdir(), 'berth-hv-fixture-bin-')));
    await copyFixtureStore(dockerMachineFixture('store-hypervisors'), store);
    // The NAT forward docker-machine chose (40537) may be taken on this machine: the VM and the
    // config get a free one, as if docker-machine had picked that.
    const sshPort = await freeLoopbackPort();
    const vboxConfig = join(machineDir(VBOX), 'config.json');
    const text = await readFile(vboxConfig, 'utf8');
    expect(text).toContain('"SSHPort": 40537,');
    await writeFile(vboxConfig, text.replace('"SSHPort": 40537,', `"SSHPort": ${sshPort},`));
    for (const name of MACHINES) dockerMachineWrote.set(name, await storedConfig(name));

    // What docker-machine's creates left beside config.json: the ISO and the b2d data disk.
    for (const [name, disk] of [
      [VBOX, 'disk.vmdk'],
      [HYPERV, 'disk.vhd'],
    ] as const) {
      const publicKey = await readFile(join(machineDir(name), 'id_rsa.pub'), 'utf8');
      await writeBoot2DockerDataDisk(join(machineDir(name), disk), publicKey);
      await writeFile(join(machineDir(name), 'boot2docker.iso'), 'boot2docker ISO stand-in');
    }
    await vbox.registerDockerMachineVm({
      name: VBOX,
      machineDir: machineDir(VBOX),
      sshPort,
      hostOnlyCidr: VBOX_HOSTONLY_CIDR,
      boot2dockerIso: join(machineDir(VBOX), 'boot2docker.iso'),
      disk: join(machineDir(VBOX), 'disk.vmdk'),
      state: 'poweroff',
    });
    await hyperv.registerDockerMachineVm({ name: HYPERV, machineDir: machineDir(HYPERV), switchName: HYPERV_SWITCH });
  });

  afterAll(async () => {
    await Promise.all([vbox?.close(), hyperv?.close()]);
    await session?.clean();
    if (tmp) await rm(tmp, { recursive: true, force: true });
    if (berthBin) await rm(berthBin, { recursive: true, force: true });
  });

  it('ls lists both, Stopped, with their drivers, as the simulators hold them', async () => {
    expect(await simulatorStates()).toEqual(
      new Map([
        [VBOX, 'poweroff'],
        [HYPERV, 'Off'],
      ]),
    );
    const ls = await berthOk(['ls', '--format', '{{.Name}} {{.DriverName}} {{.State}} {{.URL}}|']);
    expect(ls.stdout).toBe(`${HYPERV} hyperv Stopped |\n${VBOX} virtualbox Stopped |\n`);
    const table = await berthOk(['ls']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME +ACTIVE +DRIVER +STATE +URL +SWARM +DOCKER +ERRORS$/);
  });

  it('start boots both VMs; each gets its simulator address, a server certificate for it, and TLS', async () => {
    const start = await berthOk(['start', VBOX, HYPERV]);
    for (const name of MACHINES) expect(start.stdout).toContain(`Machine "${name}" was started.`);
    expect(await simulatorStates()).toEqual(
      new Map([
        [VBOX, 'running'],
        [HYPERV, 'Running'],
      ]),
    );
    const fromSimulators = await simulatorIps();
    for (const name of MACHINES) {
      const ip = fromSimulators.get(name);
      expect(ip, `${name} has no address in its simulator`).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      ips.set(name, ip as string);
      expect((await berthOk(['ip', name])).stdout).toBe(`${ip}\n`);
      // The fixture has no server certificate: start issued one naming the address.
      const cert = new X509Certificate(await readFile(join(machineDir(name), 'server.pem')));
      expect(cert.subjectAltName?.split(', ')).toContain(`IP Address:${ip}`);
    }
    expect(ips.get(HYPERV)).not.toBe(
      (dockerMachineWrote.get(HYPERV) as { Driver: { IPAddress: string } }).Driver.IPAddress,
    );
    const ls = await berthOk([
      'ls',
      '--format',
      '{{.Name}} {{.DriverName}} {{.State}} {{.URL}} {{.DockerVersion}} {{.Error}}|',
    ]);
    // Debian's engine in the guest: v20.10.24+dfsg1.
    const version = /v\d+\.\d+\.\d+\S*/;
    const lines = ls.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^${HYPERV} hyperv Running tcp://${ips.get(HYPERV)}:2376 ${version.source} \\|$`),
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${VBOX} virtualbox Running tcp://${ips.get(VBOX)}:2376 ${version.source} \\|$`),
    );
  });

  it('ssh runs a command on each boot2docker guest, as the docker user, on the address of its VM', async () => {
    for (const name of MACHINES) {
      const run = await berthOk([
        'ssh',
        name,
        '--',
        '. /etc/os-release; echo "$ID"; id -un; hostname; ip -4 -o addr show',
      ]);
      const [id, user, hostname] = run.stdout.split('\n');
      expect([id, user, hostname]).toEqual(['boot2docker', 'docker', name]);
      expect(run.stdout).toContain(` inet ${ips.get(name)}/24 `);
    }
    const failed = await berth(['ssh', VBOX, '--', 'exit 3']);
    expect(failed.code).toBe(3);
  });

  it('regenerate-certs -f on boot2docker: a new server certificate on each, and the engine still answers', async () => {
    const before = new Map<string, string>();
    for (const name of MACHINES) before.set(name, await readFile(join(machineDir(name), 'server.pem'), 'utf8'));
    const run = await berthOk(['regenerate-certs', '-f', VBOX, HYPERV]);
    expect(run.stdout).toContain('Regenerating TLS certificates');
    for (const name of MACHINES) {
      const after = await readFile(join(machineDir(name), 'server.pem'), 'utf8');
      expect(after).not.toBe(before.get(name));
      expect(new X509Certificate(after).subjectAltName?.split(', ')).toContain(`IP Address:${ips.get(name)}`);
      const onGuest = await berthOk(['ssh', name, '--', 'sudo cat /var/lib/boot2docker/server.pem']);
      expect(onGuest.stdout).toBe(after);
    }
  });

  it("env prints docker-machine's lines, and the real docker CLI talks TLS to each engine with them", async () => {
    const template = await readFile(join(dockerMachineFixturesDir(), 'outputs', 'env-default-shell.stdout'), 'utf8');
    for (const name of MACHINES) {
      // The fixture was recorded in bash (SHELL=/bin/bash); CI may run without SHELL.
      const env = await runBerthOk(['env', name], { store, env: { ...simEnv, SHELL: '/bin/bash' }, timeoutMs: RUN_MS });
      expect(env.stdout).toBe(
        template
          .replaceAll(FIXTURE_STORE_PATH, store)
          .replaceAll('172.17.0.5', ips.get(name) as string)
          .replaceAll('dm-generic', name)
          .replace('eval $(docker-machine env', 'eval $(berth env'),
      );
      const docker = await bashWithBerth(
        `eval $(berth env ${name}) && docker version --format '{{.Server.Version}}' && docker info --format '{{.Name}}'`,
        {
          store,
          unset: ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_MACHINE_NAME'],
          env: { ...simEnv, PATH: `${berthBin}:${simEnv.PATH}` },
          timeoutMs: RUN_MS,
        },
      );
      expect(docker.code, docker.stderr).toBe(0);
      const [serverVersion, engineName] = docker.stdout.split('\n');
      expect(serverVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(engineName).toBe(name);
    }
  });

  it('stop powers both VMs off through VBoxManage and PowerShell', async () => {
    const stop = await berthOk(['stop', VBOX, HYPERV]);
    for (const name of MACHINES) expect(stop.stdout).toContain(`Machine "${name}" was stopped.`);
    expect(await simulatorStates()).toEqual(
      new Map([
        [VBOX, 'poweroff'],
        [HYPERV, 'Off'],
      ]),
    );
    const ls = await berthOk(['ls', '--format', '{{.Name}} {{.State}}']);
    expect(ls.stdout).toBe(`${HYPERV} Stopped\n${VBOX} Stopped\n`);
  });

  it('config.json, written back by berth at every step, keeps every field docker-machine wrote', async () => {
    for (const name of MACHINES) {
      const wrote = leaves(dockerMachineWrote.get(name) as Json);
      const now = new Map(leaves(await storedConfig(name)));
      // Updated on purpose: the address (read at start, cleared by the VirtualBox stop).
      const updated = new Set(['Driver.IPAddress']);
      for (const [path, value] of wrote) {
        expect(now.has(path), `${name}: ${path} was dropped`).toBe(true);
        if (!updated.has(path)) expect(now.get(path), `${name}: ${path}`).toBe(value);
      }
      // In docker-machine's order, anything berth added after them.
      const order = [...now.keys()].filter((path) => wrote.some(([wrotePath]) => wrotePath === path));
      expect(order).toEqual(wrote.map(([path]) => path));
      // What berth adds (the hyperv driver's own keys) goes into the driver's object only.
      const added = [...now.keys()].filter((path) => !wrote.some(([wrotePath]) => wrotePath === path));
      for (const path of added) expect(path, `${name}: added outside Driver`).toMatch(/^Driver\.[A-Za-z]+$/);
    }
    // docker-machine 0.16.2 itself still reads them, and asks the same simulators.
    const dm = await runCommand(
      join(sharedDir(), 'bin', 'docker-machine'),
      ['ls', '--format', '{{.Name}} {{.DriverName}} {{.State}} {{.Error}}|'],
      { env: { ...process.env, ...simEnv, MACHINE_STORAGE_PATH: store }, timeoutMs: RUN_MS },
    );
    expect(dm.code, dm.stderr).toBe(0);
    expect(dm.stdout).toBe(`${HYPERV} hyperv Stopped |\n${VBOX} virtualbox Stopped |\n`);
  });

  it('rm -y unregisters both VMs and deletes the machine directories; nothing is left in either simulator', async () => {
    const run = await berthOk(['rm', '-y', VBOX, HYPERV]);
    for (const name of MACHINES) {
      expect(run.stdout).toContain(`Successfully removed ${name}`);
      await expect(stat(machineDir(name))).rejects.toMatchObject({ code: 'ENOENT' });
    }
    expect((await vbox.vms()).map((vm) => vm.name)).not.toContain(VBOX);
    expect((await hyperv.vms()).map((vm) => vm.name)).not.toContain(HYPERV);
    // The host-only adapter is docker-machine's (made by its create, long ago): berth leaves it,
    // and with it the docker network that stands for it in the simulator. Nothing else is left.
    const adapters = await vbox.hostOnlyAdapters();
    expect(adapters.map(({ name, ip, createdByBerth }) => ({ name, ip, createdByBerth }))).toEqual([
      { name: 'vboxnet0', ip: '192.168.99.1', createdByBerth: false },
    ]);
    expect(await vbox.leftovers()).toEqual([expect.stringMatching(/^docker network berth-vbox-\w+-vboxnet0$/)]);
    expect(await hyperv.leftovers()).toEqual([]);
    expect((await berthOk(['ls', '-q'])).stdout).toBe('');
  });
});
