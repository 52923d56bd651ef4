/**
 * `VBoxManage showvminfo <vm> --machinereadable`: one `key=value` a line. Keys are bare
 * (`VMState`, `Forwarding(0)`) or quoted (`"SATA-1-0"`); values are quoted strings with `\"` and
 * `\\` escaped, or bare numbers. Windows ends lines with CRLF. A backslash before anything else is
 * kept as it is (VirtualBox 5.0 printed some Windows paths unescaped).
 */
export function parseMachineReadable(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    let key: string;
    let rest: string;
    if (line.startsWith('"')) {
      const quoted = readQuoted(line, 0);
      if (!quoted || line[quoted.end] !== '=') continue;
      key = quoted.value;
      rest = line.slice(quoted.end + 1);
    } else {
      const equals = line.indexOf('=');
      if (equals <= 0) continue;
      key = line.slice(0, equals);
      rest = line.slice(equals + 1);
    }
    if (rest.startsWith('"')) {
      const quoted = readQuoted(rest, 0);
      // An unterminated quote (a value VirtualBox did not escape): take the text as it is.
      values.set(key, quoted ? quoted.value : rest.slice(1));
    } else {
      values.set(key, rest);
    }
  }
  return values;
}

function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 1;
    } else if (char === '"') {
      return { value, end: i + 1 };
    } else {
      value += char;
    }
  }
  return undefined;
}

/** The host-only NIC of a VM: the first `hostonlyadapter<N>` and its `macaddress<N>` (lower case). */
export interface HostOnlyNic {
  slot: number;
  adapter: string;
  /** 12 hex digits, lower case, no separators (`0800274f4f9b`); '' when VirtualBox shows none. */
  mac: string;
}

export function hostOnlyNic(info: Map<string, string>): HostOnlyNic | undefined {
  for (let slot = 1; slot <= 36; slot += 1) {
    const adapter = info.get(`hostonlyadapter${slot}`);
    if (adapter !== undefined && info.get(`nic${slot}`) !== 'none') {
      return { slot, adapter, mac: (info.get(`macaddress${slot}`) ?? '').toLowerCase() };
    }
  }
  return undefined;
}
