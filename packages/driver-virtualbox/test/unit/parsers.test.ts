import { describe, expect, it } from 'vitest';
import { HostOnlyAdapterError, VirtualBoxKernelModuleError, VirtualBoxVersionError } from '../../src/errors.js';
import { formatNet } from '../../src/network/ipv4.js';
import { parseDhcpServers } from '../../src/parse/dhcpservers.js';
import { ipv4OfMac } from '../../src/parse/guest-addresses.js';
import { parseCreatedAdapter } from '../../src/parse/hostonlyif-create.js';
import { parseHostOnlyIfs } from '../../src/parse/hostonlyifs.js';
import { parseListVms, parseListVmsLong } from '../../src/parse/list-vms.js';
import { hostOnlyNic, parseMachineReadable } from '../../src/parse/machine-readable.js';
import { parseNetworksConf } from '../../src/parse/networks-conf.js';
import { parseProcNetRoute } from '../../src/parse/proc-net-route.js';
import { parseVBoxVersion } from '../../src/parse/version.js';
import { checkVBoxVersion } from '../../src/vboxmanage/version-check.js';

// Samples are VBoxManage's output as virtualbox.md (reference §3) records it.

const KERNEL_WARNING = `WARNING: The vboxdrv kernel module is not loaded. Either there is no module
         available for the current kernel (4.15.1-2-ARCH) or it failed to
         load. Please recompile the kernel module and install it by

           sudo /sbin/vboxconfig

         You will not be able to start VMs until this problem is fixed.
5.2.6r120293
`;

describe('VBoxManage --version', () => {
  it('reads official, distro and 7.x version lines', () => {
    expect(parseVBoxVersion('5.0.12r104815\n')).toMatchObject({ major: 5, minor: 0, patch: 12, warning: '' });
    expect(parseVBoxVersion('6.1.26_Ubuntur145957\n')).toMatchObject({
      text: '6.1.26_Ubuntur145957',
      major: 6,
      minor: 1,
      patch: 26,
    });
    expect(parseVBoxVersion('7.0.20r163906\r\n')).toMatchObject({ major: 7, minor: 0, patch: 20 });
    expect(parseVBoxVersion('')).toBeUndefined();
  });

  it('takes the last line: a kernel-module WARNING before it is its own error', () => {
    expect(parseVBoxVersion(KERNEL_WARNING)).toMatchObject({ major: 5, minor: 2, patch: 6 });
    expect(parseVBoxVersion(KERNEL_WARNING)?.warning).toMatch(/^WARNING: The vboxdrv kernel module is not loaded/);
    const error = (() => {
      try {
        checkVBoxVersion(KERNEL_WARNING);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(VirtualBoxKernelModuleError);
    expect(error).toMatchObject({ code: 'NotSupported' });
    expect((error as Error).message).toContain('5.2.6r120293');
    expect((error as VirtualBoxKernelModuleError).actions.join(' ')).toContain('sudo /sbin/vboxconfig');
  });

  it("refuses what is older than 4.3 or unreadable in Docker Machine's words; 4.x warns", () => {
    expect(() => checkVBoxVersion('4.2.0r1\n')).toThrow(VirtualBoxVersionError);
    expect(() => checkVBoxVersion('garbage')).toThrow(
      'We support Virtualbox starting with version 5. Your VirtualBox install is "garbage". Please upgrade at https://www.virtualbox.org',
    );
    expect(checkVBoxVersion('4.3.40r1\n').warning).toMatch(/old/);
    expect(checkVBoxVersion('7.0.20r163906\n')).toEqual({ version: expect.objectContaining({ major: 7 }) });
  });
});

const SHOWVMINFO = [
  'name="default"',
  'ostype="Linux 2.6 / 3.x / 4.x (64-bit)"',
  'UUID="38faa80d-b4fe-42cb-8076-d641008d3b7d"',
  'CfgFile="C:\\\\Users\\\\u\\\\.docker\\\\machine\\\\machines\\\\default\\\\default\\\\default.vbox"',
  'LogFldr="/home/u/.docker/machine/machines/default/default/Logs"',
  'description="say \\"hi\\" = ok"',
  'memory=1024',
  'tracing-enabled="off"',
  'VMState="running"',
  '"SATA-0-0"="/home/u/.docker/machine/machines/default/boot2docker.iso"',
  '"SATA-ImageUUID-1-0"="5c9ca0d5-3c8a-4517-ba42-1d9d9c6e10de"',
  'macaddress1="080027E27B9D"',
  'nic1="nat"',
  'Forwarding(0)="ssh,tcp,127.0.0.1,64045,,22"',
  'hostonlyadapter2="vboxnet0"',
  'macaddress2="0800274F4F9B"',
  'nic2="hostonly"',
  'nic3="none"',
  'SharedFolderPathMachineMapping1="c:\\Users"',
  '',
].join('\r\n');

describe('showvminfo --machinereadable', () => {
  const info = parseMachineReadable(SHOWVMINFO);

  it('reads bare and quoted keys, escapes, numbers and CRLF lines', () => {
    expect(info.get('VMState')).toBe('running');
    expect(info.get('CfgFile')).toBe('C:\\Users\\u\\.docker\\machine\\machines\\default\\default\\default.vbox');
    expect(info.get('description')).toBe('say "hi" = ok');
    expect(info.get('memory')).toBe('1024');
    expect(info.get('tracing-enabled')).toBe('off');
    expect(info.get('SATA-0-0')).toBe('/home/u/.docker/machine/machines/default/boot2docker.iso');
    expect(info.get('Forwarding(0)')).toBe('ssh,tcp,127.0.0.1,64045,,22');
    // VirtualBox 5.0 printed some Windows paths without escaping.
    expect(info.get('SharedFolderPathMachineMapping1')).toBe('c:\\Users');
  });

  it('finds the host-only NIC and its MAC, lower-cased', () => {
    expect(hostOnlyNic(info)).toEqual({ slot: 2, adapter: 'vboxnet0', mac: '0800274f4f9b' });
    expect(hostOnlyNic(parseMachineReadable('nic1="nat"\nmacaddress1="080027E27B9D"\n'))).toBeUndefined();
  });
});

const HOSTONLYIFS = `Name:            vboxnet0
GUID:            786f6276-656e-4074-8000-0a0027000000
DHCP:            Disabled
IPAddress:       192.168.59.1
NetworkMask:     255.255.255.0
IPV6Address:     
IPV6NetworkMaskPrefixLength: 0
HardwareAddress: 0a:00:27:00:00:00
MediumType:      Ethernet
Wireless:        No
Status:          Up
VBoxNetworkName: HostInterfaceNetworking-vboxnet0

Name:            vboxnet1
GUID:            786f6276-656e-4174-8000-0a0027000001
DHCP:            Enabled
IPAddress:       192.168.57.1
NetworkMask:     255.255.255.0
HardwareAddress: 0a:00:27:00:00:01
Status:          Down
VBoxNetworkName: HostInterfaceNetworking-vboxnet1

`;

describe('list hostonlyifs', () => {
  it('reads every block, keyed by VBoxNetworkName', () => {
    const adapters = parseHostOnlyIfs(HOSTONLYIFS);
    expect(adapters.map((a) => [a.name, a.ipAddress, a.networkMask, a.dhcp, a.status, a.networkName])).toEqual([
      ['vboxnet0', '192.168.59.1', '255.255.255.0', false, 'Up', 'HostInterfaceNetworking-vboxnet0'],
      ['vboxnet1', '192.168.57.1', '255.255.255.0', true, 'Down', 'HostInterfaceNetworking-vboxnet1'],
    ]);
    expect(adapters[0]?.hardwareAddress).toBe('0a:00:27:00:00:00');
  });

  it('needs no blank lines between records, and keeps Windows names with spaces and CRLF', () => {
    const text = [
      'Name:            VirtualBox Host-Only Ethernet Adapter',
      'IPAddress:       192.168.56.1',
      'NetworkMask:     255.255.255.0',
      'VBoxNetworkName: HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter',
      'Name:            VirtualBox Host-Only Ethernet Adapter #2',
      'IPAddress:       192.168.59.1',
      'VBoxNetworkName: HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #2',
    ].join('\r\n');
    expect(parseHostOnlyIfs(text).map((a) => a.name)).toEqual([
      'VirtualBox Host-Only Ethernet Adapter',
      'VirtualBox Host-Only Ethernet Adapter #2',
    ]);
  });

  it("refuses duplicate names and IPs in Docker Machine's words; unconfigured adapters are no duplicates", () => {
    const twice = HOSTONLYIFS + HOSTONLYIFS.split('\n\n')[0];
    expect(() => parseHostOnlyIfs(twice)).toThrow(
      'VirtualBox is configured with multiple host-only adapters with the same name "HostInterfaceNetworking-vboxnet0". Please remove one',
    );
    const sameIp = HOSTONLYIFS.replace('192.168.57.1', '192.168.59.1');
    expect(() => parseHostOnlyIfs(sameIp)).toThrow(HostOnlyAdapterError);
    expect(() => parseHostOnlyIfs(sameIp)).toThrow(
      'VirtualBox is configured with multiple host-only adapters with the same IP "192.168.59.1". Please remove one',
    );
    const noIps = HOSTONLYIFS.replace(/IPAddress:.*$/gm, 'IPAddress:       ');
    expect(parseHostOnlyIfs(noIps)).toHaveLength(2);
  });
});

describe('list dhcpservers', () => {
  it('reads the VirtualBox <= 6.0 layout', () => {
    const text = `NetworkName:    HostInterfaceNetworking-vboxnet0
IP:             192.168.99.6
NetworkMask:    255.255.255.0
lowerIPAddress: 192.168.99.100
upperIPAddress: 192.168.99.254
Enabled:        Yes

NetworkName:    HostInterfaceNetworking-vboxnet1
IP:             192.168.99.7
NetworkMask:    255.255.255.0
lowerIPAddress: 192.168.99.100
upperIPAddress: 192.168.99.254
Enabled:        No
`;
    expect(parseDhcpServers(text)).toEqual([
      {
        networkName: 'HostInterfaceNetworking-vboxnet0',
        ip: '192.168.99.6',
        networkMask: '255.255.255.0',
        lowerIp: '192.168.99.100',
        upperIp: '192.168.99.254',
        enabled: true,
      },
      expect.objectContaining({ networkName: 'HostInterfaceNetworking-vboxnet1', ip: '192.168.99.7', enabled: false }),
    ]);
  });

  it('reads the 6.1/7.x layout and skips its nested configuration', () => {
    const text = `NetworkName:    HostInterfaceNetworking-vboxnet0
Dhcpd IP:       192.168.56.100
LowerIPAddress: 192.168.56.101
UpperIPAddress: 192.168.56.254
NetworkMask:    255.255.255.0
Enabled:        Yes
Global Configuration:
    minLeaseTime:     default
    defaultLeaseTime: default
    maxLeaseTime:     default
    Forced options:   None
    Suppressed opts.: None
        1/legacy: 255.255.255.0
Groups:               None
Individual Configs:   None
`;
    expect(parseDhcpServers(text)).toEqual([
      {
        networkName: 'HostInterfaceNetworking-vboxnet0',
        ip: '192.168.56.100',
        networkMask: '255.255.255.0',
        lowerIp: '192.168.56.101',
        upperIp: '192.168.56.254',
        enabled: true,
      },
    ]);
  });
});

describe('list vms', () => {
  it('reads "<name>" {<uuid>} lines', () => {
    const text =
      '"default" {38faa80d-b4fe-42cb-8076-d641008d3b7d}\r\n"with space" {3c9d6e1a-8f7b-4e2a-9d1c-5b6a7e8f9a0b}\r\n';
    expect(parseListVms(text)).toEqual([
      { name: 'default', uuid: '38faa80d-b4fe-42cb-8076-d641008d3b7d' },
      { name: 'with space', uuid: '3c9d6e1a-8f7b-4e2a-9d1c-5b6a7e8f9a0b' },
    ]);
  });

  it('--long: one block per VM with its state; shared-folder Name lines are no VMs', () => {
    const text = `Name:                        vm1
Groups:                      /
UUID:                        38faa80d-b4fe-42cb-8076-d641008d3b7d
State:                       running (since 2026-01-02T10:00:00.000000000)
Shared folders:

Name: 'hosthome', Host path: '/home' (machine mapping), writable, auto-mount

Name:                        vm2
UUID:                        3c9d6e1a-8f7b-4e2a-9d1c-5b6a7e8f9a0b
State:                       powered off (since 2026-01-02T09:00:00.000000000)

Name:                        vm3
UUID:                        5c9ca0d5-3c8a-4517-ba42-1d9d9c6e10de
State:                       saved (since 2026-01-02T09:00:00.000000000)

Name:                        vm4
UUID:                        d1f60a2f-0b04-4019-9f9b-d18c86e05d0e
State:                       paused (since 2026-01-02T09:00:00.000000000)

Name:                        vm5
UUID:                        786f6276-656e-4074-8000-0a0027000000
State:                       aborted (since 2026-01-02T09:00:00.000000000)
`;
    expect(parseListVmsLong(text)).toEqual([
      { name: 'vm1', uuid: '38faa80d-b4fe-42cb-8076-d641008d3b7d', state: 'running' },
      { name: 'vm2', uuid: '3c9d6e1a-8f7b-4e2a-9d1c-5b6a7e8f9a0b', state: 'poweroff' },
      { name: 'vm3', uuid: '5c9ca0d5-3c8a-4517-ba42-1d9d9c6e10de', state: 'saved' },
      { name: 'vm4', uuid: 'd1f60a2f-0b04-4019-9f9b-d18c86e05d0e', state: 'paused' },
      { name: 'vm5', uuid: '786f6276-656e-4074-8000-0a0027000000', state: 'aborted' },
    ]);
  });
});

describe('hostonlyif create', () => {
  it('names the adapter it made, or none', () => {
    expect(parseCreatedAdapter("Interface 'vboxnet3' was successfully created\n")).toBe('vboxnet3');
    expect(
      parseCreatedAdapter("Interface 'VirtualBox Host-Only Ethernet Adapter #2' was successfully created\r\n"),
    ).toBe('VirtualBox Host-Only Ethernet Adapter #2');
    expect(parseCreatedAdapter('0%...\nProgress state: NS_ERROR_FAILURE\n')).toBeUndefined();
  });
});

describe('networks.conf', () => {
  it('reads "* <cidr>..." lines, skipping comments, IPv6 and junk', () => {
    const text =
      '# VirtualBox host-only ranges\n* 10.0.0.0/8 192.168.0.0/16\n* 2001::/64\n*  172.16.5.0/24 # lab\nnot a line\n';
    expect(parseNetworksConf(text).map((net) => formatNet(net))).toEqual([
      '10.0.0.0/8',
      '192.168.0.0/16',
      '172.16.5.0/24',
    ]);
    expect(parseNetworksConf('* 0.0.0.0/0 ::/0\n').map((net) => formatNet(net))).toEqual(['0.0.0.0/0']);
    expect(parseNetworksConf('')).toEqual([]);
  });
});

describe('/proc/net/route', () => {
  it('reads the routes that are up, addresses in host byte order', () => {
    const text = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
br-1\t003BA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
tun0\t0000000A\t0100000A\t0003\t0\t0\t0\t000000FF\t0\t0\t0
down0\t0039A8C0\t00000000\t0000\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;
    const routes = parseProcNetRoute(text);
    expect(routes.map((route) => [route.iface, formatNet(route.net), route.viaGateway])).toEqual([
      ['eth0', '0.0.0.0/0', true],
      ['eth0', '172.17.0.0/16', false],
      ['br-1', '192.168.59.0/24', false],
      ['tun0', '10.0.0.0/8', true],
    ]);
    expect(parseProcNetRoute('')).toEqual([]);
  });
});

describe('the guest’s addresses (ip -o link show; ip -o -4 addr show)', () => {
  const output = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '2: eth0@if11: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \\    link/ether 08:00:27:e2:7b:9d brd ff:ff:ff:ff:ff:ff link-netnsid 0',
    '3: eth1@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \\    link/ether 08:00:27:4F:4F:9B brd ff:ff:ff:ff:ff:ff link-netnsid 0',
    '4: eth2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 08:00:27:00:00:02 brd ff:ff:ff:ff:ff:ff',
    '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    '2: eth0    inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever',
    '3: eth1    inet 192.168.59.100/24 brd 192.168.59.255 scope global eth1\\       valid_lft forever preferred_lft forever',
    '',
  ].join('\n');

  it('finds the IPv4 of the NIC with the MAC, in any case and with or without colons', () => {
    expect(ipv4OfMac(output, '0800274f4f9b')).toBe('192.168.59.100');
    expect(ipv4OfMac(output, '08:00:27:E2:7B:9D')).toBe('10.0.2.15');
  });

  it('answers nothing for a NIC without an address (never the next one’s) or an unknown MAC', () => {
    expect(ipv4OfMac(output, '080027000002')).toBeUndefined();
    expect(ipv4OfMac(output, '080027ffffff')).toBeUndefined();
  });
});
