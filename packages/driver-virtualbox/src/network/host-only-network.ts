import type { CallContext } from '@berth/driver-protocol';
import { type MachineJournal, sleep, throwIfCancelled } from '@berth/driver-sdk';
import { HostOnlyAdapterError, HostOnlyCidrError } from '../errors.js';
import { ADAPTER_MARK_VALUE, adapterMarkKey, hostOnlyNetworkName, JOURNAL_KIND } from '../machine-files.js';
import { parseCreatedAdapter } from '../parse/hostonlyif-create.js';
import type { HostOnlyAdapter } from '../parse/hostonlyifs.js';
import { VBoxManageError } from '../vboxmanage/vboxmanage-errors.js';
import type { VirtualBoxHost } from '../virtualbox-host.js';
import { CIDR_FLAG, chooseHostOnlyCidr, parseHostOnlyCidr, reusableAdapter } from './choose-cidr.js';
import { dhcpPlan } from './dhcp-plan.js';
import { withHostOnlyLock } from './host-only-lock.js';
import { numberToIp } from './ipv4.js';

export interface HostOnlySetup {
  host: VirtualBoxHost;
  cidr: string;
  noDhcp: boolean;
  journal: MachineJournal;
  context: CallContext;
}

/** Listings after `hostonlyif create` before a new adapter counts as missing (Docker Machine: 10, 1 s apart). */
const VISIBLE_TRIES = 10;
const VISIBLE_POLL_MS = 1_000;

const WINDOWS_PROMPT = (what: string) =>
  `Windows might ask for the permission to ${what}. Sometimes, such confirmation window is minimized in the taskbar.`;

/**
 * The host-only network of a VM that is about to boot: an adapter with the CIDR's address (reused
 * when one has it, else created, marked as Berth's and configured) and its DHCP server. An adapter
 * made here that cannot be configured is removed again at once (docker-machine left one behind on
 * every try). Returns the adapter's name.
 */
export function setUpHostOnlyNetwork(setup: HostOnlySetup): Promise<string> {
  return withHostOnlyLock(() => setUp(setup));
}

async function setUp(setup: HostOnlySetup): Promise<string> {
  const { host, context } = setup;
  const net = parseHostOnlyCidr(setup.cidr);
  const adapters = await host.hostOnlyAdapters();
  let adapter = reusableAdapter(adapters, net)?.name;
  if (!adapter) {
    // Refused before anything is made: VirtualBox's ranges and the host's own networks.
    const { version } = await host.version();
    chooseHostOnlyCidr(setup.cidr, false, await host.networkView(version, adapters));
    adapter = await createAdapter(setup, adapters);
    try {
      if (host.settings.platform === 'win32') context.progress(WINDOWS_PROMPT('configure a network adapter'));
      await host.vbox.run([
        'hostonlyif',
        'ipconfig',
        adapter,
        '--ip',
        numberToIp(net.ip),
        '--netmask',
        numberToIp(net.mask),
      ]);
    } catch (error) {
      await removeAdapter(setup, adapter).catch(() => undefined);
      if (error instanceof VBoxManageError && error.kind === 'access-denied') {
        throw new HostOnlyCidrError(
          `VirtualBox refused the host-only address ${setup.cidr} (E_ACCESSDENIED): it is outside the ranges its networks.conf allows`,
          {
            actions: [
              `Add "* ${numberToIp(net.network)}/${net.prefix}" to /etc/vbox/networks.conf, or choose another --${CIDR_FLAG}.`,
            ],
            data: { flag: CIDR_FLAG, ...error.data },
            cause: error,
          },
        );
      }
      throw error;
    }
  }
  throwIfCancelled(context.signal, 'setting up the host-only network');
  await setUpDhcpServer(setup, adapter, net);
  return adapter;
}

async function createAdapter(setup: HostOnlySetup, before: HostOnlyAdapter[]): Promise<string> {
  const { host, context } = setup;
  if (host.settings.platform === 'win32') context.progress(WINDOWS_PROMPT('create a network adapter'));
  const known = new Set(before.map((adapter) => adapter.networkName));
  const created = await host.vbox.attempt(['hostonlyif', 'create']);
  let name = created instanceof VBoxManageError ? undefined : parseCreatedAdapter(created.stdout);
  if (name) await markAdapter(setup, name);
  // VirtualBox may show a new adapter late, or make one while reporting an error (docker/machine#1843).
  for (let tries = 0; tries < VISIBLE_TRIES; tries += 1) {
    const fresh = (await host.hostOnlyAdapters()).find((adapter) =>
      name ? adapter.name === name : !known.has(adapter.networkName),
    );
    if (fresh) {
      if (!name) await markAdapter(setup, fresh.name);
      name = fresh.name;
      context.progress(`Found a new host-only adapter: "${name}"`);
      return name;
    }
    if (created instanceof VBoxManageError && tries >= 1) break;
    await sleep(VISIBLE_POLL_MS, context.signal, 'waiting for the new host-only adapter');
  }
  if (name) await removeAdapter(setup, name).catch(() => undefined);
  if (created instanceof VBoxManageError) {
    throw new HostOnlyAdapterError(`VirtualBox could not create a host-only adapter: ${created.message}`, {
      actions: adapterCreateActions(host.settings.platform),
      data: created.data,
      cause: created,
    });
  }
  throw new HostOnlyAdapterError(
    'The host-only adapter we just created is not visible. This is a well known VirtualBox bug. You might want to uninstall it and reinstall at least version 5.0.12 that is is supposed to fix this issue',
    { data: { adapter: name ?? '' } },
  );
}

function adapterCreateActions(platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') {
    return [
      'Allow Oracle’s kernel extension in System Settings > Privacy & Security, then retry; VirtualBox 7 on macOS has host-only networks instead of adapters.',
    ];
  }
  if (platform === 'linux')
    return ['Load the vboxnetadp kernel module (`sudo modprobe vboxnetadp`, or `sudo /sbin/vboxconfig`), then retry.'];
  return ['Repair the VirtualBox installation (its host-only network driver), then retry.'];
}

async function markAdapter(setup: HostOnlySetup, name: string): Promise<void> {
  await setup.journal.record(JOURNAL_KIND.adapter, name);
  await setup.host.vbox.run(['setextradata', 'global', adapterMarkKey(name), ADAPTER_MARK_VALUE]);
}

async function removeAdapter(setup: HostOnlySetup, name: string): Promise<void> {
  await setup.host.vbox.run(['hostonlyif', 'remove', name]);
  await setup.host.vbox.run(['setextradata', 'global', adapterMarkKey(name)]);
  await setup.journal.forget(JOURNAL_KIND.adapter, name);
}

async function setUpDhcpServer(setup: HostOnlySetup, adapter: string, net: ReturnType<typeof parseHostOnlyCidr>) {
  const { host, context } = setup;
  const netname = hostOnlyNetworkName(adapter);
  const plan = dhcpPlan(net);
  const existing = (await host.dhcpServers()).find((server) => server.networkName === netname);
  const enabled = !setup.noDhcp;
  if (
    existing &&
    existing.ip === plan.ip &&
    existing.networkMask === plan.mask &&
    existing.lowerIp === plan.lowerIp &&
    existing.upperIp === plan.upperIp &&
    existing.enabled === enabled
  ) {
    return;
  }
  if (host.settings.platform === 'win32') context.progress(WINDOWS_PROMPT('configure a dhcp server'));
  if (!existing) await setup.journal.record(JOURNAL_KIND.dhcpServer, netname);
  await host.vbox.run([
    'dhcpserver',
    existing ? 'modify' : 'add',
    '--netname',
    netname,
    '--ip',
    plan.ip,
    '--netmask',
    plan.mask,
    '--lowerip',
    plan.lowerIp,
    '--upperip',
    plan.upperIp,
    enabled ? '--enable' : '--disable',
  ]);
}
