import {
  addDvdStatement,
  convertVhdStatement,
  moduleStatement,
  type NewVmSpec,
  newVmStatement,
  principalStatement,
  processorStatement,
  removeVmStatement,
  secureBootStatement,
  startVmStatement,
  staticMacStatement,
  staticMemoryStatement,
  stopVmStatement,
  switchesStatement,
  turnOffVmStatement,
  vlanStatement,
  vmStatement,
  vmsStatement,
} from './hyperv-statements.js';
import { PowerShellCommandError } from './powershell/powershell-errors.js';
import type { PowerShellSession } from './powershell/powershell-session.js';

/** A virtual switch: its name as Hyper-V spells it, GUID and type (`External`, `Internal`, `Private`). */
export interface HypervSwitch {
  name: string;
  id: string;
  switchType: string;
}

/** A VM as the driver sees it: its state's name (`Running`, `Off`, ...) and the addresses its guest reports. */
export interface HypervVm {
  name: string;
  id: string;
  state: string;
  ipAddresses: string[];
}

export interface HypervPrincipal {
  administrator: boolean;
  hyperVAdministrator: boolean;
}

/** What Get-VM's error record says when no VM has the name (not localized, unlike the message). */
export const VM_NOT_FOUND_ID = 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM';

/** Bounds on one statement (PowerShell's own start, 0.3-1.5 s on Windows, included). */
export const QUERY_TIMEOUT_MS = 120_000;
const CHANGE_TIMEOUT_MS = 5 * 60_000;
/** Convert-VHD reads the whole fixed disk. */
const CONVERT_TIMEOUT_MS = 60 * 60_000;

export interface CallOptions {
  signal?: AbortSignal;
  log?: (line: string) => void;
  timeoutMs?: number;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value == null ? '' : String(value));

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function addresses(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value == null ? [] : [value];
  return list.filter((item): item is string => typeof item === 'string' && item !== '');
}

function toVm(value: unknown): HypervVm {
  const fields = record(value);
  return {
    name: text(fields.Name),
    id: text(fields.Id),
    state: text(fields.State),
    ipAddresses: addresses(fields.IPAddresses),
  };
}

/** Hyper-V through the PowerShell session: one method per statement, answers typed. */
export class HypervHost {
  constructor(readonly session: PowerShellSession) {}

  private run(body: string, options: CallOptions, timeoutMs: number): Promise<unknown[]> {
    return this.session.run(body, {
      timeoutMs: options.timeoutMs ?? timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }

  private change(body: string, options: CallOptions, timeoutMs = CHANGE_TIMEOUT_MS): Promise<void> {
    return this.run(body, options, timeoutMs).then(() => undefined);
  }

  async moduleInstalled(options: CallOptions = {}): Promise<boolean> {
    return (await this.run(moduleStatement(), options, QUERY_TIMEOUT_MS)).some((name) => text(name) === 'Get-VM');
  }

  async principal(options: CallOptions = {}): Promise<HypervPrincipal> {
    const fields = record((await this.run(principalStatement(), options, QUERY_TIMEOUT_MS))[0]);
    return { administrator: fields.Administrator === true, hyperVAdministrator: fields.HyperVAdministrator === true };
  }

  async switches(options: CallOptions = {}): Promise<HypervSwitch[]> {
    return (await this.run(switchesStatement(), options, QUERY_TIMEOUT_MS)).map((value) => {
      const fields = record(value);
      return { name: text(fields.Name), id: text(fields.Id), switchType: text(fields.SwitchType) };
    });
  }

  async vms(options: CallOptions = {}): Promise<HypervVm[]> {
    return (await this.run(vmsStatement(), options, QUERY_TIMEOUT_MS)).map(toVm);
  }

  /** The VMs named `name` (Hyper-V allows several); [] when there is none. */
  async vmsNamed(name: string, options: CallOptions = {}): Promise<HypervVm[]> {
    try {
      return (await this.run(vmStatement(name), options, QUERY_TIMEOUT_MS)).map(toVm);
    } catch (error) {
      if (error instanceof PowerShellCommandError && error.errorId === VM_NOT_FOUND_ID) return [];
      throw error;
    }
  }

  convertVhd(source: string, destination: string, options: CallOptions = {}): Promise<void> {
    return this.change(convertVhdStatement(source, destination), options, CONVERT_TIMEOUT_MS);
  }

  newVm(spec: NewVmSpec, options: CallOptions = {}): Promise<void> {
    return this.change(newVmStatement(spec), options);
  }

  secureBoot(name: string, options: CallOptions = {}): Promise<void> {
    return this.change(secureBootStatement(name), options);
  }

  addDvd(name: string, isoPath: string, options: CallOptions = {}): Promise<void> {
    return this.change(addDvdStatement(name, isoPath), options);
  }

  staticMemory(name: string, options: CallOptions = {}): Promise<void> {
    return this.change(staticMemoryStatement(name), options);
  }

  processors(name: string, count: number, options: CallOptions = {}): Promise<void> {
    return this.change(processorStatement(name, count), options);
  }

  staticMac(name: string, mac: string, options: CallOptions = {}): Promise<void> {
    return this.change(staticMacStatement(name, mac), options);
  }

  vlan(name: string, vlanId: number, options: CallOptions = {}): Promise<void> {
    return this.change(vlanStatement(name, vlanId), options);
  }

  startVm(name: string, options: CallOptions = {}): Promise<void> {
    return this.change(startVmStatement(name), options);
  }

  /** Graceful: returns once the guest has shut down; `timeoutMs` bounds the wait. */
  stopVm(name: string, options: CallOptions & { timeoutMs: number }): Promise<void> {
    return this.change(stopVmStatement(name), options);
  }

  turnOffVm(name: string, options: CallOptions = {}): Promise<void> {
    return this.change(turnOffVmStatement(name), options);
  }

  removeVm(name: string, options: CallOptions = {}): Promise<void> {
    return this.change(removeVmStatement(name), options);
  }
}
