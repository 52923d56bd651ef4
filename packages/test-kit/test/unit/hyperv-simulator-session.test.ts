import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HypervSimulator,
  PowerShellSession,
  type SessionAnswer,
  startHypervSimulator,
  vhdFooter,
} from '../../src/simulators/hyperv/index.js';

// Berth's long-lived session (contract §2), BODY texts exactly as the contract writes them.
const q = (text: string) => `'${text.replace(/'/g, "''")}'`;
const B1 = "Get-Command -Name 'Hyper-V\\Get-VM' -ErrorAction SilentlyContinue | Select-Object -ExpandProperty Name";
const B2 =
  "$p = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent(); [pscustomobject]@{ Administrator = $p.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator); HyperVAdministrator = $p.IsInRole([Security.Principal.SecurityIdentifier]::new('S-1-5-32-578')) }";
const B3 =
  'Hyper-V\\Get-VMSwitch | Select-Object Name, @{n=\'Id\';e={"$($_.Id)"}}, @{n=\'SwitchType\';e={"$($_.SwitchType)"}}';
const SELECT =
  "Select-Object Name, @{n='Id';e={\"$($_.VMId)\"}}, @{n='State';e={\"$($_.State)\"}}, @{n='IPAddresses';e={@($_.NetworkAdapters | ForEach-Object { $_.IPAddresses })}}";
const B4 = `Hyper-V\\Get-VM | ${SELECT}`;
const B5 = (n: string) => `Hyper-V\\Get-VM -Name ${q(n)} | ${SELECT}`;
const B6 = (m: string) =>
  `Hyper-V\\Convert-VHD -Path ${q(`${m}/fixed.vhd`)} -DestinationPath ${q(`${m}/disk.vhdx`)} -VHDType Dynamic -DeleteSource`;
const B7 = (n: string, m: string, mb: number, s: string) =>
  `Hyper-V\\New-VM -Name ${q(n)} -Path ${q(m)} -Generation 2 -MemoryStartupBytes ${mb}MB -SwitchName ${q(s)} -VHDPath ${q(`${m}/disk.vhdx`)}`;
const B8 = (n: string) =>
  `Hyper-V\\Set-VMFirmware -VMName ${q(n)} -SecureBootTemplate 'MicrosoftUEFICertificateAuthority'`;
const B9 = (n: string, m: string) => `Hyper-V\\Add-VMDvdDrive -VMName ${q(n)} -Path ${q(`${m}/seed.iso`)}`;
const B10 = (n: string) => [
  `Hyper-V\\Set-VMMemory -VMName ${q(n)} -DynamicMemoryEnabled $false`,
  `Hyper-V\\Set-VMProcessor -VMName ${q(n)} -Count 1`,
  `Hyper-V\\Set-VMNetworkAdapter -VMName ${q(n)} -StaticMacAddress '00155D0A0B0C'`,
  `Hyper-V\\Set-VMNetworkAdapterVlan -VMName ${q(n)} -Access -VlanId 7`,
];
const B11 = (n: string) => `Hyper-V\\Start-VM -Name ${q(n)}`;
const B12 = (n: string) => `Hyper-V\\Stop-VM -Name ${q(n)}`;
const B13 = (n: string) => `Hyper-V\\Stop-VM -Name ${q(n)} -TurnOff`;
const B14 = (n: string) => `Hyper-V\\Remove-VM -Name ${q(n)} -Force`;

function ok(answer: SessionAnswer): unknown[] {
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.value;
}

function failure(answer: SessionAnswer): { message: string; id: string; category: string } {
  if (answer.ok) throw new Error(`expected an error, got ${JSON.stringify(answer.value)}`);
  return answer.error;
}

/** A machine dir holding what Berth's driver writes before B6: a raw disk with a VHD footer, the seed. */
async function machineDir(): Promise<string> {
  const m = await mkdtemp(join(tmpdir(), 'berth-hv-session-machine-'));
  await writeFile(join(m, 'fixed.vhd'), Buffer.concat([Buffer.alloc(4096, 1), vhdFooter(4096, 2)]));
  await writeFile(join(m, 'seed.iso'), 'a seed (guests: false never reads it)');
  return m;
}

describe('powershell.exe session mode (Berth)', () => {
  let sim: HypervSimulator;
  const dirs: string[] = [];

  beforeAll(async () => {
    sim = await startHypervSimulator({ guests: false, faults: { stopDelayMs: 300 } });
  });

  afterAll(async () => {
    await sim.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function session(): Promise<PowerShellSession> {
    return PowerShellSession.open({ ...process.env, ...sim.env() });
  }

  it('answers B1–B14 in one process: create, configure, start, stop, turn off, remove', async () => {
    const m = await machineDir();
    dirs.push(m);
    const before = await sim.calls();
    const ps = await session();
    const n = "web's";
    expect(ok(await ps.request(B1))).toEqual(['Get-VM']);
    expect(ok(await ps.request(B2))).toEqual([{ Administrator: true, HyperVAdministrator: false }]);
    expect(ok(await ps.request(B3))).toEqual([
      { Name: 'Default Switch', Id: 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444', SwitchType: 'Internal' },
      { Name: 'External Wireless', Id: '5f3e8d52-7a4e-4e0f-9b8a-2f7c3d1e6a90', SwitchType: 'External' },
    ]);
    expect(ok(await ps.request(B4))).toEqual([]);
    expect(ok(await ps.request(B6(m)))).toEqual([]);
    await expect(stat(join(m, 'fixed.vhd'))).rejects.toThrow();
    expect((await stat(join(m, 'disk.vhdx'))).isFile()).toBe(true);
    expect(ok(await ps.request(B7(n, m, 2048, 'Default Switch')))).toEqual([]);
    expect(ok(await ps.request(B8(n)))).toEqual([]);
    expect(ok(await ps.request(B9(n, m)))).toEqual([]);
    for (const body of B10(n)) expect(ok(await ps.request(body))).toEqual([]);
    const [created] = ok(await ps.request(B4)) as Array<{
      Name: string;
      Id: string;
      State: string;
      IPAddresses: string[];
    }>;
    expect(created).toMatchObject({ Name: n, State: 'Off', IPAddresses: [] });
    expect(created?.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // PowerShell 5.1's ConvertTo-Json writes ' as \u0027: the answer must be parsed, not matched.
    expect(await ps.requestRaw(B5(n))).toContain('"Name":"web\\u0027s"');
    expect(ok(await ps.request(B11(n)))).toEqual([]);
    expect(ok(await ps.request(B5(n)))).toEqual([{ Name: n, Id: created?.Id, State: 'Running', IPAddresses: [] }]);
    const stopping = Date.now();
    expect(ok(await ps.request(B12(n)))).toEqual([]);
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(250);
    expect((ok(await ps.request(B5(n)))[0] as { State: string }).State).toBe('Off');
    expect(ok(await ps.request(B11(n)))).toEqual([]);
    expect(ok(await ps.request(B13(n)))).toEqual([]);
    expect((ok(await ps.request(B5(n)))[0] as { State: string }).State).toBe('Off');
    expect(ok(await ps.request(B14(n)))).toEqual([]);
    expect(failure(await ps.request(B5(n)))).toEqual({
      message: `Hyper-V was unable to find a virtual machine with name "${n}".`,
      id: 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM',
      category: 'InvalidArgument',
    });
    expect(await ps.close()).toBe(0);

    const [vm] = (await sim.vms()).filter((record) => record.name === n);
    expect(vm).toBeUndefined();
    const calls = (await sim.calls()).slice(before.length);
    expect(new Set(calls.map((call) => call.pid))).toEqual(new Set([ps.pid]));
    expect(calls.filter((call) => call.kind === 'session')).toHaveLength(1);
    // The preamble, then 23 requests, all recognised.
    expect(calls.filter((call) => call.kind === 'statement')).toHaveLength(24);
    expect(calls.some((call) => call.unrecognised)).toBe(false);
  });

  it('the VM record holds what the configuration requests set', async () => {
    const m = await machineDir();
    dirs.push(m);
    const ps = await session();
    ok(await ps.request(B6(m)));
    ok(await ps.request(B7('cfg', m, 1024, 'External Wireless')));
    ok(await ps.request(B8('cfg')));
    ok(await ps.request(B9('cfg', m)));
    for (const body of B10('cfg')) ok(await ps.request(body));
    await ps.close();
    const vm = (await sim.vms()).find((record) => record.name === 'cfg');
    expect(vm).toMatchObject({
      generation: 2,
      path: m,
      memoryStartupBytes: 1024 * 1024 * 1024,
      dynamicMemoryEnabled: false,
      processorCount: 1,
      macAddress: '00155D0A0B0C',
      staticMac: true,
      vlanId: 7,
      secureBootTemplate: 'MicrosoftUEFICertificateAuthority',
      dvdPaths: [join(m, 'seed.iso')],
      hardDisks: [join(m, 'disk.vhdx')],
      switchName: 'External Wireless',
    });
    const vhds = await sim.vhds();
    expect(vhds.find((vhd) => vhd.path === join(m, 'disk.vhdx'))).toEqual({
      path: join(m, 'disk.vhdx'),
      format: 'VHDX',
      type: 'Dynamic',
      sizeBytes: 4096,
    });
  });

  it('an unknown BODY is a CommandNotFoundException record, and the session goes on answering', async () => {
    const ps = await session();
    const unknown = failure(await ps.request("Hyper-V\\Get-VMHost | Select-Object -ExpandProperty 'Name'"));
    expect(unknown.id).toBe('CommandNotFoundException');
    expect(unknown.category).toBe('ObjectNotFound');
    expect(unknown.message).toBe(
      "The term 'Hyper-V\\Get-VMHost' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
    );
    // A parameter the contract does not list is drift too.
    expect(failure(await ps.request("Hyper-V\\Start-VM -Name 'x' -Passthru")).id).toBe('CommandNotFoundException');
    expect(ok(await ps.request(B1))).toEqual(['Get-VM']);
    await ps.close();
    const flagged = (await sim.calls()).filter((call) => call.unrecognised && call.pid === ps.pid);
    expect(flagged.map((call) => call.body)).toEqual([
      "Hyper-V\\Get-VMHost | Select-Object -ExpandProperty 'Name'",
      "Hyper-V\\Start-VM -Name 'x' -Passthru",
    ]);
  });

  it('one process answers 20 requests (counted in calls.log), plain statements included', async () => {
    const before = await sim.calls();
    const vmCount = (await sim.vms()).length;
    const ps = await session();
    for (let index = 0; index < 20; index += 1) {
      expect(ok(await ps.request(index % 2 === 0 ? B4 : B3)).length).toBe(index % 2 === 0 ? vmCount : 2);
    }
    // docker-machine's one-shot text forms also run as session lines.
    ps.send('( Hyper-V\\Get-VM nosuch ).state');
    ps.send('(Hyper-V\\Get-VMSwitch -SwitchType External).Name');
    expect(await ps.nextLine()).toBe('External Wireless');
    expect(await ps.close()).toBe(0);
    expect(ps.stderr).toContain('Hyper-V was unable to find a virtual machine with name "nosuch".');
    const calls = (await sim.calls()).slice(before.length);
    expect(new Set(calls.map((call) => call.pid)).size).toBe(1);
    expect(calls.filter((call) => call.body !== undefined)).toHaveLength(20);
  });

  it('faults: module missing, no rights, switch missing, odd memory, unanswered shutdown, running VM removal', async () => {
    const m = await machineDir();
    dirs.push(m);
    const ps = await session();

    await sim.setHost({ moduleInstalled: false });
    expect(ok(await ps.request(B1))).toEqual([]);
    expect(failure(await ps.request(B4))).toEqual({
      message:
        "The term 'Hyper-V\\Get-VM' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
      id: 'CommandNotFoundException',
      category: 'ObjectNotFound',
    });
    await sim.setHost({ moduleInstalled: true });

    await sim.setHost({ principal: { Administrator: false, HyperVAdministrator: false }, hostName: 'LAPTOP-7' });
    expect(ok(await ps.request(B2))).toEqual([{ Administrator: false, HyperVAdministrator: false }]);
    expect(failure(await ps.request(B7('denied', m, 1024, 'Default Switch')))).toEqual({
      message:
        "You do not have the required permission to complete this task. Contact the administrator of the authorization policy for the computer 'LAPTOP-7'.",
      id: 'VirtualizationException,Microsoft.HyperV.PowerShell.Commands.NewVM',
      category: 'PermissionDenied',
    });
    expect(failure(await ps.request(B6(m))).id).toBe(
      'VirtualizationException,Microsoft.Vhd.PowerShell.Cmdlets.ConvertVhd',
    );
    // A Hyper-V administrator may.
    await sim.setHost({ principal: { Administrator: false, HyperVAdministrator: true } });
    expect(ok(await ps.request(B6(m)))).toEqual([]);
    await sim.setHost({ principal: { Administrator: true, HyperVAdministrator: false } });

    expect(failure(await ps.request(B7('lost', m, 1024, 'External Switch')))).toMatchObject({
      message: 'Hyper-V was unable to find a virtual switch with name "External Switch".',
      id: 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.NewVM',
    });
    const odd = failure(await ps.request(B7('odd', m, 1025, 'Default Switch')));
    expect(odd.id).toBe('InvalidArgument,Microsoft.HyperV.PowerShell.Commands.NewVM');
    expect(odd.message).toContain("The memory value assigned ('1025' MB) is not properly aligned.");
    expect((await sim.vms()).map((vm) => vm.name)).not.toContain('odd');

    ok(await ps.request(B7('stuck', m, 1024, 'Default Switch')));
    ok(await ps.request(B11('stuck')));
    await sim.setFaults({ shutdownIgnored: true });
    expect(failure(await ps.request(B12('stuck')))).toEqual({
      message: 'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
      id: 'InvalidOperation,Microsoft.HyperV.PowerShell.Commands.StopVM',
      category: 'InvalidOperation',
    });
    expect((ok(await ps.request(B5('stuck')))[0] as { State: string }).State).toBe('Running');
    expect(failure(await ps.request(B14('stuck'))).id).toBe(
      'InvalidState,Microsoft.HyperV.PowerShell.Commands.RemoveVM',
    );
    // -TurnOff needs no answer from the guest.
    expect(ok(await ps.request(B13('stuck')))).toEqual([]);
    await sim.setFaults({ shutdownIgnored: false });
    expect(ok(await ps.request(B14('stuck')))).toEqual([]);

    await sim.setFaults({ hypervisorNotRunning: true });
    ok(await ps.request(B7('novt', m, 1024, 'Default Switch')));
    const novt = failure(await ps.request(B11('novt')));
    expect(novt.message).toContain(
      "Virtual machine 'novt' could not be started because the hypervisor is not running.",
    );
    await sim.setFaults({ hypervisorNotRunning: false });
    ok(await ps.request(B14('novt')));
    await ps.close();
  });

  it('Convert-VHD refuses a source without a VHD footer, and a missing one', async () => {
    const m = await mkdtemp(join(tmpdir(), 'berth-hv-session-bad-'));
    dirs.push(m);
    await writeFile(join(m, 'fixed.vhd'), Buffer.alloc(8192));
    const ps = await session();
    const bad = failure(await ps.request(B6(m)));
    expect(bad.id).toBe('InvalidParameter,Microsoft.Vhd.PowerShell.Cmdlets.ConvertVhd');
    expect((await stat(join(m, 'fixed.vhd'))).size).toBe(8192);
    await rm(join(m, 'fixed.vhd'));
    expect(failure(await ps.request(B6(m))).id).toBe('ObjectNotFound,Microsoft.Vhd.PowerShell.Cmdlets.ConvertVhd');
    await ps.close();
  });
});
