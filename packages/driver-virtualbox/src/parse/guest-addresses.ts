/** The command whose output {@link ipv4OfMac} reads, run in the guest over SSH. */
export const GUEST_ADDRESS_COMMAND = 'ip -o link show; ip -o -4 addr show';

const LINK_LINE = /^(\d+):\s+[^:\s]+:.*?\blink\/\w+\s+([0-9A-Fa-f:]{17})\b/;
const ADDR_LINE = /^(\d+):\s+\S+\s+inet\s+(\d+\.\d+\.\d+\.\d+)\//;

const bareMac = (mac: string) => mac.replace(/[:-]/g, '').toLowerCase();

/**
 * The IPv4 address of the guest's interface whose MAC is `mac` (any separators, any case), from
 * `ip -o link show` and `ip -o -4 addr show` (one line per interface or address, each starting with
 * the interface index, which ties the two together). Undefined while that interface has none.
 * Unlike Docker Machine's reader, an interface without an address never yields the next one's.
 */
export function ipv4OfMac(output: string, mac: string): string | undefined {
  const wanted = bareMac(mac);
  const lines = output.split(/\r?\n/);
  const index = lines
    .map((line) => LINK_LINE.exec(line))
    .find((match) => match?.[2] !== undefined && bareMac(match[2]) === wanted)?.[1];
  if (index === undefined) return undefined;
  return lines.map((line) => ADDR_LINE.exec(line)).find((match) => match?.[1] === index)?.[2];
}
