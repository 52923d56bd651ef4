import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIdentity } from '../../session/process-identity.js';
import { TestSession } from '../../session/session.js';
import { reapOrphanGuestNetworks, removeGuestNetwork, simulatorNetworks } from '../guest/guest-network.js';
import { type GuestOwner, guestStates, removeGuest } from '../guest/guest-vm.js';
import { liveForwarders, stopForwarders } from '../guest/nat-forwarder.js';
import { type DockerMachineVmSpec, registerDockerMachineVm as registerDmVm } from './docker-machine-vm.js';
import { NO_FAULTS, readFaults, type VirtualBoxFaults, writeFaults } from './faults.js';
import { GuestRuntime } from './guest-runtime.js';
import { NETWORKS_CONF_ENV } from './networks-conf.js';
import { readRegistry, type VmRecord, type VmState, withRegistryLock, writeRegistry } from './registry.js';
import { logFolder } from './render-vm.js';
import { CALLS_FILE, FORWARDERS_DIR, type SimConfig, type VBoxPlatform, writeSimConfig } from './sim-config.js';

export interface VirtualBoxSimulatorOptions {
  /** The session whose reaper removes the guests; one is made (and cleaned on close) when absent. */
  session?: TestSession;
  /** Default true; false = state only, no containers (fast unit tests). */
  guests?: boolean;
  /** `--version` answer; default `7.0.20r163906`. */
  version?: string;
  /** networks.conf contents; undefined = the file is absent (192.168.56.0/21 only). */
  networksConf?: string;
  /** Host personality (error prefix, line endings, adapter names); default linux. */
  platform?: VBoxPlatform;
  /** How long an ACPI power-off takes without guests (ms); default 1000. */
  acpiDelayMs?: number;
}

/** One invocation, as calls.log records it. */
export interface SimCall {
  tool: 'VBoxManage';
  argv: string[];
  exitCode: number;
  /** ms since epoch when it started. */
  at: number;
  durationMs: number;
}

export interface SimNic {
  index: number;
  attachment: string;
  nictype: string;
  /** 12 hex digits, as showvminfo prints it. */
  mac: string;
  hostOnlyAdapter?: string;
}

export interface SimNatRule {
  nic: number;
  name: string;
  proto: string;
  hostIp: string;
  hostPort: number;
  guestIp: string;
  guestPort: number;
}

export interface SimMediumAttachment {
  controller: string;
  port: number;
  device: number;
  type: string;
  medium: string;
}

export interface SimVm {
  name: string;
  uuid: string;
  state: VmState;
  basefolder: string;
  cfgFile: string;
  logFolder: string;
  ostype: string;
  cpus: number;
  memory: number;
  nics: SimNic[];
  natRules: SimNatRule[];
  media: SimMediumAttachment[];
  sharedFolders: Array<{ name: string; hostPath: string }>;
  extraData: Record<string, string>;
  guestProperties: Record<string, string>;
  /** The guest container (guests mode) and the addresses it got. */
  guest?: { container: string; hostname: string; natIp?: string; hostOnlyIp?: string };
}

export interface SimHostOnlyAdapter {
  name: string;
  ip: string;
  netmask: string;
  /** Berth marked it as its own (`setextradata global Berth/HostOnlyAdapter/<if> created`). */
  createdByBerth: boolean;
  dhcpServer?: { ip: string; lowerIp: string; upperIp: string; enabled: boolean; leases: Record<string, string> };
}

export interface VirtualBoxSimulator {
  readonly stateDir: string;
  readonly binDir: string;
  /** PATH (binDir first), BERTH_SIM_STATE_DIR, BERTH_VBOX_NETWORKS_CONF, BERTH_SIM_NODE. */
  env(): Record<string, string>;
  calls(): Promise<SimCall[]>;
  vms(): Promise<SimVm[]>;
  hostOnlyAdapters(): Promise<SimHostOnlyAdapter[]>;
  setFaults(faults: Partial<VirtualBoxFaults>): Promise<void>;
  /** A VM as docker-machine 0.16 left it (boot2docker ISO + b2d disk, NAT ssh rule, host-only NIC). */
  registerDockerMachineVm(spec: DockerMachineVmSpec): Promise<void>;
  /** Human-readable: registered VMs, Berth-made adapters, live forwarders, guest containers, docker networks. */
  leftovers(): Promise<string[]>;
  /** Powers everything off, removes containers, networks, forwarders and the state dir. */
  close(): Promise<void>;
}

const SHIM = fileURLToPath(new URL('../../../bin/VBoxManage', import.meta.url));
const BERTH_ADAPTER_KEY = 'Berth/HostOnlyAdapter/';

function toSimVm(vm: VmRecord): SimVm {
  const sim: SimVm = {
    name: vm.name,
    uuid: vm.uuid,
    state: vm.state,
    basefolder: vm.basefolder,
    cfgFile: vm.cfgFile,
    logFolder: logFolder(vm),
    ostype: vm.ostype,
    cpus: vm.cpus,
    memory: vm.memory,
    nics: vm.nics.map((nic, index) => ({
      index: index + 1,
      attachment: nic.attachment,
      nictype: nic.nictype,
      mac: nic.mac,
      ...(nic.hostOnlyAdapter ? { hostOnlyAdapter: nic.hostOnlyAdapter } : {}),
    })),
    natRules: vm.nics.flatMap((nic, index) => nic.natRules.map((rule) => ({ nic: index + 1, ...rule }))),
    media: vm.storage.flatMap((controller) =>
      controller.attachments.map((a) => ({
        controller: controller.name,
        port: a.port,
        device: a.device,
        type: a.type,
        medium: a.medium,
      })),
    ),
    sharedFolders: vm.sharedFolders.map((folder) => ({ name: folder.name, hostPath: folder.hostPath })),
    extraData: { ...vm.extraData },
    guestProperties: { ...vm.guestProperties },
  };
  if (vm.guest) sim.guest = { ...vm.guest };
  return sim;
}

/**
 * Starts a VBoxManage simulator: a state dir, a bin dir with the `VBoxManage` executable, and
 * (guests mode) the session whose containers stand for the VMs.
 */
export async function startVirtualBoxSimulator(options: VirtualBoxSimulatorOptions = {}): Promise<VirtualBoxSimulator> {
  const guests = options.guests ?? true;
  const stateDir = await mkdtemp(join(tmpdir(), 'berth-vbox-sim-'));
  const binDir = join(stateDir, 'bin');
  await mkdir(binDir);
  await symlink(SHIM, join(binDir, 'VBoxManage'));
  const networksConf = join(stateDir, 'networks.conf');
  if (options.networksConf !== undefined) await writeFile(networksConf, options.networksConf);
  let ownSession: TestSession | undefined;
  let session = options.session;
  if (guests && !session) {
    ownSession = await TestSession.create();
    session = ownSession;
  }
  const simulatorId = randomBytes(3).toString('hex');
  const config: SimConfig = {
    version: options.version ?? '7.0.20r163906',
    platform: options.platform ?? 'linux',
    guests,
    acpiDelayMs: options.acpiDelayMs ?? 1000,
  };
  if (guests && session) {
    await reapOrphanGuestNetworks();
    config.guest = {
      runId: session.runId,
      owner: processIdentity(),
      simulatorId,
      cloudImage: session.images.adopt,
      boot2dockerImage: session.images.boot2docker,
    };
    config.natNetwork = {
      name: session.network.name,
      subnet: session.network.subnet,
      gateway: session.network.gateway,
    };
  }
  await writeSimConfig(stateDir, config);
  await writeFaults(stateDir, NO_FAULTS);
  await writeRegistry(stateDir, await readRegistry(stateDir));
  const owner: GuestOwner | undefined = config.guest;
  let closed = false;

  const settled = () =>
    withRegistryLock(stateDir, async () => {
      const registry = await readRegistry(stateDir);
      await new GuestRuntime(config, stateDir).settle(registry);
      await writeRegistry(stateDir, registry);
      return registry;
    });

  const simulator: VirtualBoxSimulator = {
    stateDir,
    binDir,
    env() {
      return {
        PATH: `${binDir}:${process.env.PATH ?? ''}`,
        BERTH_SIM_STATE_DIR: stateDir,
        [NETWORKS_CONF_ENV]: networksConf,
        BERTH_SIM_NODE: process.execPath,
      };
    },
    async calls() {
      const text = await readFile(join(stateDir, CALLS_FILE), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as SimCall);
    },
    async vms() {
      return (await settled()).vms.map(toSimVm);
    },
    async hostOnlyAdapters() {
      const registry = await readRegistry(stateDir);
      return registry.hostOnlyIfs.map((adapter) => {
        const server = registry.dhcpServers.find((s) => s.networkName === `HostInterfaceNetworking-${adapter.name}`);
        const sim: SimHostOnlyAdapter = {
          name: adapter.name,
          ip: adapter.ip,
          netmask: adapter.netmask,
          createdByBerth: registry.globalExtraData[`${BERTH_ADAPTER_KEY}${adapter.name}`] === 'created',
        };
        if (server) {
          sim.dhcpServer = {
            ip: server.ip,
            lowerIp: server.lowerIp,
            upperIp: server.upperIp,
            enabled: server.enabled,
            leases: { ...server.leases },
          };
        }
        return sim;
      });
    },
    async setFaults(faults) {
      await withRegistryLock(stateDir, async () => {
        await writeFaults(stateDir, { ...(await readFaults(stateDir)), ...faults });
      });
    },
    async registerDockerMachineVm(spec) {
      await withRegistryLock(stateDir, async () => {
        const registry = await readRegistry(stateDir);
        await registerDmVm(registry, spec, new GuestRuntime(config, stateDir), config);
        await writeRegistry(stateDir, registry);
      });
    },
    async leftovers() {
      const registry = await settled();
      const found: string[] = [];
      for (const vm of registry.vms) found.push(`registered VM "${vm.name}" {${vm.uuid}} (${vm.state})`);
      for (const [key, value] of Object.entries(registry.globalExtraData)) {
        const adapter = key.slice(BERTH_ADAPTER_KEY.length);
        if (
          key.startsWith(BERTH_ADAPTER_KEY) &&
          value === 'created' &&
          !registry.hostOnlyIfs.some((a) => a.name === adapter)
        ) {
          found.push(`Berth's mark for the removed host-only adapter ${adapter} (global extradata ${key})`);
        }
      }
      for (const adapter of registry.hostOnlyIfs) {
        if (registry.globalExtraData[`${BERTH_ADAPTER_KEY}${adapter.name}`] === 'created') {
          found.push(`host-only adapter ${adapter.name} made by Berth (${adapter.ip}/${adapter.netmask})`);
        }
      }
      for (const server of registry.dhcpServers) {
        const adapter = server.networkName.replace(/^HostInterfaceNetworking-/, '');
        const made = registry.globalExtraData[`${BERTH_ADAPTER_KEY}${adapter}`] === 'created';
        if (made || !registry.hostOnlyIfs.some((a) => a.name === adapter))
          found.push(`DHCP server ${server.networkName}`);
      }
      for (const medium of registry.media) {
        const used = registry.vms.some((vm) =>
          vm.storage.some((c) => c.attachments.some((a) => a.uuid === medium.uuid)),
        );
        if (!used && medium.type === 'hdd') found.push(`registered hard disk ${medium.path} attached to no VM`);
      }
      for (const record of await liveForwarders(join(stateDir, FORWARDERS_DIR))) {
        found.push(
          `NAT forwarder pid ${record.pid} ${record.listenHost}:${record.listenPort} -> ${record.targetHost}:${record.targetPort}`,
        );
      }
      if (owner) {
        for (const [container, state] of await guestStates(owner))
          found.push(`guest container ${container} (${state})`);
        for (const network of await simulatorNetworks(owner.simulatorId)) found.push(`docker network ${network}`);
      }
      return found;
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopForwarders(join(stateDir, FORWARDERS_DIR));
      if (owner) {
        for (const container of (await guestStates(owner)).keys()) await removeGuest(container);
        for (const network of await simulatorNetworks(owner.simulatorId)) await removeGuestNetwork(network);
      }
      if (ownSession) await ownSession.clean();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return simulator;
}
