import { InvalidFlagError } from '@berth/driver-protocol';
import type { HypervSwitch } from './hyperv-host.js';

/** Windows' Default Switch (NAT and DHCP, on client editions since 1709) always has this GUID. */
export const DEFAULT_SWITCH_ID = 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444';

const FLAG = 'hyperv-virtual-switch';

/** `"Default Switch" (Internal), "External Wireless" (External)`, or `none`. */
export function describeSwitches(switches: readonly HypervSwitch[]): string {
  return switches.length === 0
    ? 'none'
    : switches.map((s) => `"${s.name}" (${s.switchType || 'unknown type'})`).join(', ');
}

const sameName = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'accent' }) === 0;

/**
 * The switch a machine goes on. A name given is matched as PowerShell matches names (case does not
 * matter; the exact spelling wins if two differ only in case) and must not be a Private switch,
 * which the host cannot reach. Without one: the Default Switch (found by its GUID, whatever its
 * localized name), else the first External switch. docker-machine took only External switches and
 * compared names case-sensitively.
 */
export function chooseSwitch(switches: readonly HypervSwitch[], requested: string): HypervSwitch {
  const existing = `Switches on this host: ${describeSwitches(switches)}.`;
  if (requested) {
    const found = switches.find((s) => s.name === requested) ?? switches.find((s) => sameName(s.name, requested));
    if (!found) {
      throw new InvalidFlagError(`vswitch "${requested}" not found`, {
        actions: [
          existing,
          `Give one of them with --${FLAG}, or create it in Hyper-V Manager (Virtual Switch Manager).`,
        ],
        data: { flag: FLAG, switches: switches.map((s) => s.name) },
      });
    }
    if (found.switchType === 'Private') {
      throw new InvalidFlagError(`vswitch "${found.name}" is a Private switch: this host cannot reach machines on it`, {
        actions: [existing, `Use the Default Switch, an External switch, or an Internal switch with DHCP (--${FLAG}).`],
        data: { flag: FLAG },
      });
    }
    return found;
  }
  const chosen =
    switches.find((s) => s.id.toLowerCase() === DEFAULT_SWITCH_ID) ?? switches.find((s) => s.switchType === 'External');
  if (!chosen) {
    throw new InvalidFlagError(
      'no Default Switch and no External vswitch found: a machine needs a switch this host reaches',
      {
        actions: [
          existing,
          'Create an External switch in Hyper-V Manager (Virtual Switch Manager), or with New-VMSwitch -Name <name> -NetAdapterName <adapter> in an elevated PowerShell.',
          `Or name an Internal switch that has DHCP with --${FLAG}.`,
        ],
        data: { flag: FLAG, switches: switches.map((s) => s.name) },
      },
    );
  }
  return chosen;
}
