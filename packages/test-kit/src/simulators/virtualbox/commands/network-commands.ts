import { ArgReader, type Command, type CommandContext } from '../command-context.js';
import { hostOnlyNetworkName } from '../dhcp-leases.js';
import { ipToNumber, maskToPrefix } from '../ipv4.js';
import { addressAllowed } from '../networks-conf.js';
import type { DhcpServerRecord, HostOnlyIfRecord } from '../registry.js';
import { enforcesNetworksConf } from '../sim-config.js';
import { VBoxManageError } from '../vbox-errors.js';

const HOSTONLYIF_USAGE = [
  'VBoxManage hostonlyif ipconfig <ifname> [--dhcp | --ip=IPv4-address --netmask=IPv4-netmask | --ipv6=IPv6-address --netmasklengthv6=length]',
  'VBoxManage hostonlyif create',
  'VBoxManage hostonlyif remove <ifname>',
];

/** `vboxnetN` on Linux/macOS; Windows numbers its adapters `... Adapter`, `... Adapter #2`, ... */
function adapterName(ctx: CommandContext, index: number): string {
  if (ctx.config.platform !== 'windows') return `vboxnet${index}`;
  return index === 0 ? 'VirtualBox Host-Only Ethernet Adapter' : `VirtualBox Host-Only Ethernet Adapter #${index + 1}`;
}

function adapterNotFound(name: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_OBJECT_NOT_FOUND', [
    `Could not find interface '${name}'`,
    'Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component HostWrap, interface IHost, callee nsISupports',
    'Context: "FindHostNetworkInterfaceByName(name.raw(), hif.asOutParam())" at line 242 of file VBoxManageHostonly.cpp',
  ]);
}

function findAdapter(ctx: CommandContext, name: string): HostOnlyIfRecord {
  const adapter = ctx.registry.hostOnlyIfs.find((candidate) => candidate.name === name);
  if (!adapter) throw adapterNotFound(name);
  return adapter;
}

export const hostonlyif: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, HOSTONLYIF_USAGE);
  const action = reader.word('ipconfig | create | remove');
  if (action === 'create') {
    if (reader.peek() !== undefined && reader.peek() !== '--machinereadable') throw reader.unknown(reader.peek() ?? '');
    if (ctx.faults.hostonlyifCreateFails) {
      throw new VBoxManageError(
        'NS_ERROR_FAILURE',
        [
          'Failed to create the host-only adapter',
          'VBoxNetAdpCtl: Error while adding new interface: failed to open /dev/vboxnetctl: No such file or directory',
          'Details: code NS_ERROR_FAILURE (0x80004005), component HostNetworkInterfaceWrap, interface IHostNetworkInterface',
          'Context: "RTEXITCODE handleCreate(HandlerArg *)" at line 95 of file VBoxManageHostonly.cpp',
        ],
        '0%...\nProgress state: NS_ERROR_FAILURE\n',
      );
    }
    const used = new Set(ctx.registry.hostOnlyIfs.map((adapter) => adapter.index));
    let index = 0;
    while (used.has(index)) index += 1;
    const adapter: HostOnlyIfRecord = {
      name: adapterName(ctx, index),
      ip: `192.168.${56 + index}.1`,
      netmask: '255.255.255.0',
      dhcp: false,
      ipv6: '',
      ipv6PrefixLength: 0,
      index,
    };
    ctx.registry.hostOnlyIfs.push(adapter);
    ctx.out.progress();
    ctx.out.out(
      reader.peek() === '--machinereadable' ? adapter.name : `Interface '${adapter.name}' was successfully created`,
    );
    return;
  }
  if (action === 'remove') {
    const adapter = findAdapter(ctx, reader.word('ifname'));
    ctx.registry.hostOnlyIfs = ctx.registry.hostOnlyIfs.filter((candidate) => candidate !== adapter);
    await ctx.runtime.adapterRemoved(adapter.name);
    ctx.out.progress();
    return;
  }
  if (action !== 'ipconfig') throw reader.syntax(`Invalid parameter '${action}'`);
  const adapter = findAdapter(ctx, reader.word('ifname'));
  let ip: string | undefined;
  let netmask: string | undefined;
  let dhcp = false;
  let ipv6: string | undefined;
  let prefix6: number | undefined;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--dhcp') dhcp = true;
    else if (token === '--ip') ip = reader.value(token, inline);
    else if (token === '--netmask') netmask = reader.value(token, inline);
    else if (token === '--ipv6') ipv6 = reader.value(token, inline);
    else if (token === '--netmasklengthv6') prefix6 = Number(reader.value(token, inline));
    else throw reader.unknown(token);
  }
  if (dhcp) {
    adapter.dhcp = true;
    return;
  }
  if (ipv6 !== undefined) {
    adapter.ipv6 = ipv6;
    adapter.ipv6PrefixLength = prefix6 ?? 64;
    return;
  }
  if (ip === undefined) throw reader.syntax('Missing --ip, --ipv6 or --dhcp');
  const mask = netmask ?? '255.255.255.0';
  if (ipToNumber(ip) === undefined || maskToPrefix(mask) === undefined) {
    throw new VBoxManageError('E_INVALIDARG', [
      'Code E_INVALIDARG (0x80070057) - One or more arguments are invalid (extended info not available)',
      'Context: "EnableStaticIPConfig(Bstr(pszIp).raw(), Bstr(pszNetmask).raw())" at line 242 of file VBoxManageHostonly.cpp',
    ]);
  }
  if (enforcesNetworksConf(ctx.config) && !addressAllowed(ip, ctx.env)) {
    throw new VBoxManageError('E_ACCESSDENIED', [
      'Code E_ACCESSDENIED (0x80070005) - Access denied (extended info not available)',
      'Context: "EnableStaticIPConfig(Bstr(pszIp).raw(), Bstr(pszNetmask).raw())" at line 242 of file VBoxManageHostonly.cpp',
    ]);
  }
  adapter.ip = ip;
  adapter.netmask = mask;
  adapter.dhcp = false;
};

const DHCPSERVER_USAGE = [
  'VBoxManage dhcpserver add <--network=netname | --interface=ifname> --server-ip=address --netmask=mask',
  '    --lower-ip=address --upper-ip=address <--enable | --disable>',
  'VBoxManage dhcpserver modify <--network=netname | --interface=ifname> [--server-ip=address] [--netmask=mask]',
  '    [--lower-ip=address] [--upper-ip=address] [--enable | --disable]',
  'VBoxManage dhcpserver remove <--network=netname | --interface=ifname>',
  'VBoxManage dhcpserver start | restart | stop <--network=netname | --interface=ifname>',
];

export const dhcpserver: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, DHCPSERVER_USAGE);
  const action = reader.word('add | modify | remove | start | restart | stop');
  if (!['add', 'modify', 'remove', 'start', 'restart', 'stop'].includes(action)) {
    throw reader.syntax(`Invalid parameter '${action}'`);
  }
  let networkName: string | undefined;
  const settings: Partial<DhcpServerRecord> = {};
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--netname' || token === '--network') networkName = reader.value(token, inline);
    else if (token === '--ifname' || token === '--interface') {
      const name = reader.value(token, inline);
      if (!ctx.registry.hostOnlyIfs.some((adapter) => adapter.name === name)) throw adapterNotFound(name);
      networkName = hostOnlyNetworkName(name);
    } else if (token === '--ip' || token === '--serverip') settings.ip = reader.value(token, inline);
    else if (token === '--netmask') settings.netmask = reader.value(token, inline);
    else if (token === '--lowerip') settings.lowerIp = reader.value(token, inline);
    else if (token === '--upperip') settings.upperIp = reader.value(token, inline);
    else if (token === '--enable') settings.enabled = true;
    else if (token === '--disable') settings.enabled = false;
    else throw reader.unknown(token);
  }
  if (!networkName)
    throw reader.syntax('You need to specify either --network or --interface to identify the DHCP server');
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value === 'string' && ipToNumber(value) === undefined)
      throw reader.syntax(`Invalid --${key} argument '${value}'`);
  }
  const existing = ctx.registry.dhcpServers.find((server) => server.networkName === networkName);
  if (action === 'add') {
    if (existing) {
      throw new VBoxManageError('E_INVALIDARG', [
        'DHCP server already exists',
        'Details: code E_INVALIDARG (0x80070057), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports',
      ]);
    }
    const { ip, netmask, lowerIp, upperIp } = settings;
    if (!ip || !netmask || !lowerIp || !upperIp) {
      throw reader.syntax('Missing required options: --server-ip, --netmask, --lower-ip and --upper-ip');
    }
    ctx.registry.dhcpServers.push({
      networkName,
      ip,
      netmask,
      lowerIp,
      upperIp,
      enabled: settings.enabled ?? false,
      leases: {},
    });
    return;
  }
  if (!existing) {
    throw new VBoxManageError('E_INVALIDARG', [
      'DHCP server does not exist',
      'Details: code E_INVALIDARG (0x80070057), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports',
    ]);
  }
  if (action === 'remove') {
    ctx.registry.dhcpServers = ctx.registry.dhcpServers.filter((server) => server !== existing);
    return;
  }
  if (action === 'modify') Object.assign(existing, settings);
};
