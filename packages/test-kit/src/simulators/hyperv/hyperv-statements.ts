import { cpus } from 'node:os';
import { commandClass } from './hyperv-errors.js';
import type { HypervHost, VmView } from './hyperv-host.js';
import { PsError } from './ps-error.js';
import { formatList, formatTable } from './ps-format.js';
import type { PsJson } from './ps-json.js';
import { toJsonPretty } from './ps-json.js';
import { type CompiledTemplate, compileTemplate, type FormArgs } from './script-forms.js';

/** What a statement produced: objects (a session's JSON) or the lines Out-Default prints (argv mode). */
export type StatementOutput = { kind: 'values'; values: PsJson[] } | { kind: 'text'; lines: string[] };

export interface StatementForm {
  /** B1…B14 (contract §2) or dm:… (docker-machine's scripts, reference §2). */
  id: string;
  template: string;
  /** The module-qualified cmdlet it runs: with the module missing, that term is not recognized. */
  cmdlet?: string;
  /** `( Get-VM x ).prop`: a non-terminating error leaves the statement successful (exit 0). */
  propertyAccess?: boolean;
  run(host: HypervHost, args: FormArgs): Promise<StatementOutput>;
}

export interface CompiledForm extends StatementForm {
  compiled: CompiledTemplate;
}

const NOTHING: StatementOutput = { kind: 'values', values: [] };

async function done(work: Promise<unknown>): Promise<StatementOutput> {
  await work;
  return NOTHING;
}

function values(items: PsJson[]): StatementOutput {
  return { kind: 'values', values: items };
}

function lines(items: string[]): StatementOutput {
  return { kind: 'text', lines: items };
}

const PRINCIPAL = '[Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()';
const VM_COLUMNS =
  'Select-Object Name, @{n=\'Id\';e={"$($_.VMId)"}}, @{n=\'State\';e={"$($_.State)"}}, ' +
  "@{n='IPAddresses';e={@($_.NetworkAdapters | ForEach-Object { $_.IPAddresses })}}";

function vmJson(vm: VmView): PsJson {
  return { Name: vm.Name, Id: vm.Id, State: vm.State, IPAddresses: vm.IPAddresses };
}

function parameterInvalid(cmdlet: string, parameter: string, value: string, allowed: string): PsError {
  return new PsError({
    message: `Cannot validate argument on parameter '${parameter}'. The argument "${value}" does not belong to the set "${allowed}" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`,
    id: `ParameterArgumentValidationError,${commandClass(cmdlet)}`,
    category: 'InvalidData',
    targetName: '',
    targetType: '',
    activity: cmdlet,
    reason: 'ParameterBindingValidationException',
    nonTerminating: false,
  });
}

/** The SwitchType enum's values, as ConvertTo-Json writes them. */
const SWITCH_TYPE_VALUES = { Private: 0, Internal: 1, External: 2 } as const;

const SECURE_BOOT_TEMPLATES = ['MicrosoftWindows', 'MicrosoftUEFICertificateAuthority', 'OpenSourceShieldedVM'];

/** Cmdlets whose forms Berth's driver and docker-machine share, differing only in how the VM is named. */
function lifecycleForms(ids: readonly [string, string, string, string], name: string): StatementForm[] {
  const [start, stop, turnOff, remove] = ids;
  return [
    {
      id: start,
      template: `Hyper-V\\Start-VM ${name}`,
      cmdlet: 'Hyper-V\\Start-VM',
      run: (host, args) => done(host.startVm(args.text('name'))),
    },
    {
      id: stop,
      template: `Hyper-V\\Stop-VM ${name}`,
      cmdlet: 'Hyper-V\\Stop-VM',
      run: (host, args) => done(host.stopVm(args.text('name'), false)),
    },
    {
      id: turnOff,
      template: `Hyper-V\\Stop-VM ${name} -TurnOff`,
      cmdlet: 'Hyper-V\\Stop-VM',
      run: (host, args) => done(host.stopVm(args.text('name'), true)),
    },
    {
      id: remove,
      template: `Hyper-V\\Remove-VM ${name} -Force`,
      cmdlet: 'Hyper-V\\Remove-VM',
      run: (host, args) => done(host.removeVm(args.text('name'), true)),
    },
    {
      id: `${remove}-confirm`,
      template: `Hyper-V\\Remove-VM ${name}`,
      cmdlet: 'Hyper-V\\Remove-VM',
      run: (host, args) => done(host.removeVm(args.text('name'), false)),
    },
  ];
}

const CONVERT_VHD: StatementForm = {
  id: 'B6',
  template: 'Hyper-V\\Convert-VHD -Path {source:sq} -DestinationPath {destination:sq} -VHDType Dynamic -DeleteSource',
  cmdlet: 'Hyper-V\\Convert-VHD',
  run: (host, args) => done(host.convertVhd(args.text('source'), args.text('destination'), 'Dynamic', true)),
};

/** The BODY forms of Berth's session envelope (contract §2). */
export const SESSION_FORMS: StatementForm[] = [
  {
    id: 'B1',
    template: "Get-Command -Name 'Hyper-V\\Get-VM' -ErrorAction SilentlyContinue | Select-Object -ExpandProperty Name",
    run: async (host) => values((await host.read()).moduleInstalled ? ['Get-VM'] : []),
  },
  {
    id: 'B2',
    template:
      `$p = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent(); ` +
      '[pscustomobject]@{ Administrator = $p.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator); ' +
      "HyperVAdministrator = $p.IsInRole([Security.Principal.SecurityIdentifier]::new('S-1-5-32-578')) }",
    run: async (host) => {
      const { principal } = await host.read();
      return values([{ Administrator: principal.Administrator, HyperVAdministrator: principal.HyperVAdministrator }]);
    },
  },
  {
    id: 'B3',
    template:
      'Hyper-V\\Get-VMSwitch | Select-Object Name, @{n=\'Id\';e={"$($_.Id)"}}, @{n=\'SwitchType\';e={"$($_.SwitchType)"}}',
    cmdlet: 'Hyper-V\\Get-VMSwitch',
    run: async (host) =>
      values((await host.switches()).map((item) => ({ Name: item.Name, Id: item.Id, SwitchType: item.SwitchType }))),
  },
  {
    id: 'B4',
    template: `Hyper-V\\Get-VM | ${VM_COLUMNS}`,
    cmdlet: 'Hyper-V\\Get-VM',
    run: async (host) => values((await host.vms()).map(vmJson)),
  },
  {
    id: 'B5',
    template: `⟦Hyper-V\\Get-VM -Name {name:sq}⟧ | ${VM_COLUMNS}`,
    cmdlet: 'Hyper-V\\Get-VM',
    run: async (host, args) => values((await host.vms(args.text('name'))).map(vmJson)),
  },
  CONVERT_VHD,
  {
    id: 'B7',
    template:
      'Hyper-V\\New-VM -Name {name:sq} -Path {path:sq} -Generation {generation:int} -MemoryStartupBytes {memory:size} ' +
      '-SwitchName {switch:sq} -VHDPath {vhd:sq}',
    cmdlet: 'Hyper-V\\New-VM',
    run: async (host, args) => {
      const generation = args.number('generation');
      if (generation !== 1 && generation !== 2)
        throw parameterInvalid('New-VM', 'Generation', String(generation), '1,2');
      await host.newVm({
        name: args.text('name'),
        path: args.text('path'),
        generation,
        memoryStartupBytes: args.number('memory'),
        switchName: args.text('switch'),
        vhdPath: args.text('vhd'),
      });
      return NOTHING;
    },
  },
  {
    id: 'B8',
    template: 'Hyper-V\\Set-VMFirmware -VMName {name:sq} -SecureBootTemplate {template:sq}',
    cmdlet: 'Hyper-V\\Set-VMFirmware',
    run: async (host, args) => {
      const template = args.text('template');
      if (!SECURE_BOOT_TEMPLATES.includes(template)) {
        throw parameterInvalid('Set-VMFirmware', 'SecureBootTemplate', template, SECURE_BOOT_TEMPLATES.join(','));
      }
      await host.configure('Set-VMFirmware', args.text('name'), (vm) => {
        vm.secureBootTemplate = template;
      });
      return NOTHING;
    },
  },
  {
    id: 'B9',
    template: 'Hyper-V\\Add-VMDvdDrive -VMName {name:sq} -Path {path:sq}',
    cmdlet: 'Hyper-V\\Add-VMDvdDrive',
    run: (host, args) => done(host.attachDvd('Add-VMDvdDrive', args.text('name'), args.text('path'))),
  },
  ...configurationForms('B10', '-VMName {name:sq}', '{mac:sq}', '-VMName {name:sq}'),
  ...lifecycleForms(['B11', 'B12', 'B13', 'B14'], '-Name {name:sq}'),
];

/** Set-VMMemory, Set-VMProcessor, Set-VMNetworkAdapter, Set-VMNetworkAdapterVlan (optional create steps). */
function configurationForms(prefix: string, vmArg: string, macArg: string, processorArg: string): StatementForm[] {
  return [
    {
      id: `${prefix}:memory`,
      template: `Hyper-V\\Set-VMMemory ${vmArg} -DynamicMemoryEnabled {dynamic:bool}`,
      cmdlet: 'Hyper-V\\Set-VMMemory',
      run: async (host, args) => {
        await host.configure('Set-VMMemory', args.text('name'), (vm) => {
          vm.dynamicMemoryEnabled = args.flag('dynamic');
        });
        return NOTHING;
      },
    },
    {
      id: `${prefix}:processor`,
      template: `Hyper-V\\Set-VMProcessor ${processorArg} -Count {count:int}`,
      cmdlet: 'Hyper-V\\Set-VMProcessor',
      run: async (host, args) => {
        const count = args.number('count');
        const logical = cpus().length;
        if (count < 1 || count > Math.max(logical, 1)) {
          throw parameterInvalid('Set-VMProcessor', 'Count', String(count), `1..${logical}`);
        }
        await host.configure('Set-VMProcessor', args.text('name'), (vm) => {
          vm.processorCount = count;
        });
        return NOTHING;
      },
    },
    {
      id: `${prefix}:mac`,
      template: `Hyper-V\\Set-VMNetworkAdapter ${vmArg} -StaticMacAddress ${macArg}`,
      cmdlet: 'Hyper-V\\Set-VMNetworkAdapter',
      run: (host, args) => done(host.setStaticMac(args.text('name'), args.text('mac'))),
    },
    {
      id: `${prefix}:vlan`,
      template: `Hyper-V\\Set-VMNetworkAdapterVlan ${vmArg} -Access -VlanId {vlan:int}`,
      cmdlet: 'Hyper-V\\Set-VMNetworkAdapterVlan',
      run: async (host, args) => {
        await host.configure('Set-VMNetworkAdapterVlan', args.text('name'), (vm) => {
          vm.vlanId = args.number('vlan');
        });
        return NOTHING;
      },
    },
  ];
}

async function roleCheck(host: HypervHost, role: 'Administrator' | 'HyperVAdministrator' | 'never') {
  const { principal } = await host.read();
  const answer = role === 'never' ? false : principal[role];
  return lines([answer ? 'True' : 'False']);
}

/** docker-machine's scripts (reference §2.1–2.3) and minikube's (M) where they differ, run as argv or plain lines. */
export const SCRIPT_FORMS: StatementForm[] = [
  {
    id: 'dm:module',
    template: '@(Get-Module -ListAvailable hyper-v).Name | Get-Unique',
    run: async (host) => lines((await host.read()).moduleInstalled ? ['Hyper-V'] : []),
  },
  {
    id: 'dm:role-sid-string',
    // The SID passed as a role *name*: never a match (reference §3.2).
    template: `@(${PRINCIPAL}).IsInRole("S-1-5-32-578")`,
    run: (host) => roleCheck(host, 'never'),
  },
  {
    id: 'dm:role-admin',
    template: `@(${PRINCIPAL}).IsInRole([Security.Principal.WindowsBuiltInRole] "Administrator")`,
    run: (host) => roleCheck(host, 'Administrator'),
  },
  {
    id: 'm:role-sid',
    template: `@(${PRINCIPAL}).IsInRole(([System.Security.Principal.SecurityIdentifier]::new("S-1-5-32-578")))`,
    run: (host) => roleCheck(host, 'HyperVAdministrator'),
  },
  {
    id: 'dm:external-switches',
    template: '(⟦Hyper-V\\Get-VMSwitch -SwitchType External⟧).Name',
    cmdlet: 'Hyper-V\\Get-VMSwitch',
    propertyAccess: true,
    run: async (host) =>
      lines((await host.switches()).filter((item) => item.SwitchType === 'External').map((item) => item.Name)),
  },
  {
    id: 'dm:switches',
    template: '(⟦Hyper-V\\Get-VMSwitch⟧).Name',
    cmdlet: 'Hyper-V\\Get-VMSwitch',
    propertyAccess: true,
    run: async (host) => lines((await host.switches()).map((item) => item.Name)),
  },
  {
    id: 'm:switches-json',
    template:
      'ConvertTo-Json @(⟦Hyper-V\\Get-VMSwitch⟧|Select Id, Name, SwitchType|Where-Object ' +
      "{($_.SwitchType -eq 'External') -or ($_.Id -eq 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444')}|Sort-Object -Property SwitchType)",
    cmdlet: 'Hyper-V\\Get-VMSwitch',
    run: async (host) => {
      const chosen = (await host.switches())
        .filter((item) => item.SwitchType === 'External' || item.Id === 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444')
        .sort((a, b) => SWITCH_TYPE_VALUES[a.SwitchType] - SWITCH_TYPE_VALUES[b.SwitchType]);
      const json = chosen.map((item) => ({
        Id: item.Id,
        Name: item.Name,
        SwitchType: SWITCH_TYPE_VALUES[item.SwitchType],
      }));
      return lines(toJsonPretty(json).split('\r\n'));
    },
  },
  {
    id: 'dm:new-vhd',
    template: 'Hyper-V\\New-VHD -Path {path:sq} -SizeBytes {size:size} -Fixed',
    cmdlet: 'Hyper-V\\New-VHD',
    run: async (host, args) => {
      const path = args.text('path');
      const size = args.number('size');
      const created = await host.newVhd(path, size);
      const { hostName } = await host.read();
      return lines(
        formatList([
          ['ComputerName', hostName],
          ['Path', path],
          ['VhdFormat', 'VHD'],
          ['VhdType', 'Fixed'],
          ['FileSize', created.fileSize],
          ['Size', size],
          ['MinimumSize', ''],
          ['LogicalSectorSize', 512],
          ['PhysicalSectorSize', 512],
          ['BlockSize', 0],
          ['ParentPath', ''],
          ['DiskIdentifier', created.diskIdentifier],
          ['FragmentationPercentage', 0],
          ['Alignment', 1],
          ['Attached', false],
          ['DiskNumber', ''],
          ['IsPMEMCompatible', false],
          ['AddressAbstractionType', 'None'],
          ['Number', ''],
        ]),
      );
    },
  },
  { ...CONVERT_VHD, id: 'dm:convert-vhd' },
  {
    id: 'dm:resize-vhd',
    template: 'Hyper-V\\Resize-VHD -Path {path:sq} -SizeBytes {size:size}',
    cmdlet: 'Hyper-V\\Resize-VHD',
    run: (host, args) => done(host.resizeVhd(args.text('path'), args.number('size'))),
  },
  {
    id: 'dm:new-vm',
    template: 'Hyper-V\\New-VM {name:bare} -Path {path:sq} -SwitchName {switch:sq} -MemoryStartupBytes {memory:size}',
    cmdlet: 'Hyper-V\\New-VM',
    run: async (host, args) => {
      const vm = await host.newVm({
        name: args.text('name'),
        path: args.text('path'),
        generation: 1,
        memoryStartupBytes: args.number('memory'),
        switchName: args.text('switch'),
      });
      return lines(
        formatTable(
          ['Name', 'State', 'CPUUsage(%)', 'MemoryAssigned(M)', 'Uptime', 'Status', 'Version'],
          [[vm.name, vm.state, 0, 0, '00:00:00', 'Operating normally', '9.0']],
        ),
      );
    },
  },
  ...configurationForms('dm', '-VMName {name:bare}', '{mac:dq}', '{name:bare}'),
  {
    id: 'dm:set-dvd',
    template: 'Hyper-V\\Set-VMDvdDrive -VMName {name:bare} -Path {path:sq}',
    cmdlet: 'Hyper-V\\Set-VMDvdDrive',
    run: (host, args) => done(host.attachDvd('Set-VMDvdDrive', args.text('name'), args.text('path'))),
  },
  {
    id: 'dm:add-disk',
    template: 'Hyper-V\\Add-VMHardDiskDrive -VMName {name:bare} -Path {path:sq}',
    cmdlet: 'Hyper-V\\Add-VMHardDiskDrive',
    run: (host, args) => done(host.attachHardDisk(args.text('name'), args.text('path'))),
  },
  ...lifecycleForms(['dm:start', 'dm:stop', 'dm:turnoff', 'dm:remove'], '{name:bare}'),
  {
    id: 'dm:state',
    template: '( ⟦Hyper-V\\Get-VM {name:bare}⟧ ).state',
    cmdlet: 'Hyper-V\\Get-VM',
    propertyAccess: true,
    run: async (host, args) => lines((await host.vms(args.text('name'))).map((vm) => vm.State)),
  },
  {
    id: 'dm:ip',
    template: '(( ⟦Hyper-V\\Get-VM {name:bare}⟧ ).networkadapters[0]).ipaddresses[0]',
    cmdlet: 'Hyper-V\\Get-VM',
    propertyAccess: true,
    run: async (host, args) => {
      const [vm] = await host.vms(args.text('name'));
      const first = vm?.IPAddresses[0];
      return lines(first === undefined ? [] : [first]);
    },
  },
  // Berth's mutating BODY forms are plain statements too (as a person would type them).
  ...SESSION_FORMS.filter((form) => /^B(?:[6-9]|1[0-4])\b/.test(form.id)),
];

export function compileForms(forms: StatementForm[]): CompiledForm[] {
  return forms.map((form) => ({ ...form, compiled: compileTemplate(form.template) }));
}
