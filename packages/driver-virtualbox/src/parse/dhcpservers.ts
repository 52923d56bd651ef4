import { keyValueLines } from './key-value-lines.js';

/** One server of `VBoxManage list dhcpservers`. */
export interface DhcpServer {
  /** `HostInterfaceNetworking-vboxnet0`. */
  networkName: string;
  ip: string;
  networkMask: string;
  lowerIp: string;
  upperIp: string;
  enabled: boolean;
}

/**
 * Parses both layouts: VirtualBox <= 6.0 (`IP`, `lowerIPAddress`, `upperIPAddress`) and 6.1+
 * (`Dhcpd IP`, `LowerIPAddress`, `UpperIPAddress`, then an indented configuration block, which is
 * skipped). `NetworkName` starts a record.
 */
export function parseDhcpServers(text: string): DhcpServer[] {
  const servers: DhcpServer[] = [];
  let current: DhcpServer | undefined;
  for (const { key, value } of keyValueLines(text)) {
    if (key === 'NetworkName') {
      current = { networkName: value, ip: '', networkMask: '', lowerIp: '', upperIp: '', enabled: false };
      servers.push(current);
      continue;
    }
    if (!current) continue;
    switch (key) {
      case 'IP':
      case 'Dhcpd IP':
        current.ip = value;
        break;
      case 'NetworkMask':
        current.networkMask = value;
        break;
      case 'lowerIPAddress':
      case 'LowerIPAddress':
        current.lowerIp = value;
        break;
      case 'upperIPAddress':
      case 'UpperIPAddress':
        current.upperIp = value;
        break;
      case 'Enabled':
        current.enabled = value === 'Yes';
        break;
    }
  }
  return servers;
}
