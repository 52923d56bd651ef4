import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SWITCHES,
  type HypervSimulator,
  startHypervSimulator,
  VHD_FOOTER_SIZE,
} from '../../src/simulators/hyperv/index.js';

// docker-machine's own calls (reference §2): `powershell.exe -NoProfile -NonInteractive <pieces…>`,
// one process each, run through the real shim on PATH.

interface Ran {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function powershell(sim: HypervSimulator, pieces: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('powershell.exe', ['-NoProfile', '-NonInteractive', ...pieces], {
      env: { ...process.env, ...sim.env() },
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

async function text(
  sim: HypervSimulator,
  pieces: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const ran = await powershell(sim, pieces);
  return { code: ran.code, out: ran.stdout.toString('utf8'), err: ran.stderr };
}

const PRINCIPAL = '@([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent())';

describe('powershell.exe argv mode (docker-machine 0.16)', () => {
  let sim: HypervSimulator;
  let machineDir: string;

  beforeAll(async () => {
    sim = await startHypervSimulator({ guests: false });
    machineDir = await mkdtemp(join(tmpdir(), 'berth-hv-argv-machine-'));
  });

  afterAll(async () => {
    await sim.close();
    await rm(machineDir, { recursive: true, force: true });
  });

  it('answers the module check with "Hyper-V", and with nothing (exit 0) when the module is missing', async () => {
    const pieces = ['@(Get-Module', '-ListAvailable', 'hyper-v).Name', '|', 'Get-Unique'];
    expect(await text(sim, pieces)).toEqual({ code: 0, out: 'Hyper-V\r\n', err: '' });
    await sim.setHost({ moduleInstalled: false });
    try {
      expect(await text(sim, pieces)).toEqual({ code: 0, out: '', err: '' });
      const state = await text(sim, ['(', 'Hyper-V\\Get-VM', 'default', ').state']);
      expect(state.code).toBe(1);
      expect(state.out).toBe('');
      expect(state.err.split('\r\n').slice(0, 4)).toEqual([
        "Hyper-V\\Get-VM : The term 'Hyper-V\\Get-VM' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
        'At line:1 char:3',
        '+ ( Hyper-V\\Get-VM default ).state',
        `+   ${'~'.repeat('Hyper-V\\Get-VM'.length)}`,
      ]);
      expect(state.err).toContain('FullyQualifiedErrorId : CommandNotFoundException');
    } finally {
      await sim.setHost({ moduleInstalled: true });
    }
  });

  it('role checks: the string-SID form is always False; the Administrator and SID-object forms follow the principal', async () => {
    const sidString = [`${PRINCIPAL}.IsInRole("S-1-5-32-578")`];
    const admin = [`${PRINCIPAL}.IsInRole([Security.Principal.WindowsBuiltInRole]`, '"Administrator")'];
    const sidObject = [`${PRINCIPAL}.IsInRole(([System.Security.Principal.SecurityIdentifier]::new("S-1-5-32-578")))`];
    for (const principal of [
      { Administrator: true, HyperVAdministrator: true },
      { Administrator: false, HyperVAdministrator: true },
      { Administrator: false, HyperVAdministrator: false },
    ]) {
      await sim.setHost({ principal });
      expect(await text(sim, sidString)).toEqual({ code: 0, out: 'False\r\n', err: '' });
      const expectAdmin = principal.Administrator ? 'True\r\n' : 'False\r\n';
      expect(await text(sim, admin)).toEqual({ code: 0, out: expectAdmin, err: '' });
      const expectHv = principal.HyperVAdministrator ? 'True\r\n' : 'False\r\n';
      expect(await text(sim, sidObject)).toEqual({ code: 0, out: expectHv, err: '' });
    }
    await sim.setHost({ principal: { Administrator: true, HyperVAdministrator: false } });
  });

  it('lists switch names: External ones first-line-wins, all of them, UTF-8 only when the script asks', async () => {
    const external = [
      '[Console]::OutputEncoding = [Text.Encoding]::UTF8; (Hyper-V\\Get-VMSwitch -SwitchType External).Name',
    ];
    expect(await text(sim, external)).toEqual({ code: 0, out: 'External Wireless\r\n', err: '' });
    const all = ['[Console]::OutputEncoding = [Text.Encoding]::UTF8;', '(Hyper-V\\Get-VMSwitch).Name'];
    expect((await text(sim, all)).out).toBe('Default Switch\r\nExternal Wireless\r\n');

    await sim.setHost({
      switches: [
        {
          Name: 'Réseau externe',
          Id: '0b1e8d52-7a4e-4e0f-9b8a-2f7c3d1e6a91',
          SwitchType: 'External',
          subnet: '192.168.77.0/24',
        },
      ],
    });
    const utf8 = await powershell(sim, external);
    expect(utf8.stdout.toString('utf8')).toBe('Réseau externe\r\n');
    // rancher/machine's form, without the UTF-8 prefix: the OEM code page (437: é is 0x82).
    const oem = await powershell(sim, ['(Hyper-V\\Get-VMSwitch', '-SwitchType', 'External).Name']);
    expect([...oem.stdout]).toEqual([...Buffer.from('R\x82seau externe\r\n', 'latin1')]);
    await sim.setHost({ switches: [...DEFAULT_SWITCHES] });
  });

  it('minikube-style JSON switch query: Windows PowerShell 5.1 layout, enums as numbers, Default Switch first', async () => {
    const script =
      "[Console]::OutputEncoding = [Text.Encoding]::UTF8; ConvertTo-Json @(Hyper-V\\Get-VMSwitch|Select Id, Name, SwitchType|Where-Object {($_.SwitchType -eq 'External') -or ($_.Id -eq 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444')}|Sort-Object -Property SwitchType)";
    const ran = await text(sim, [script]);
    expect(ran.code).toBe(0);
    expect(ran.out).toContain('        "Id":  "c08cb7b8-9b3c-408e-8e30-5e16a3aeb444",\r\n');
    expect(JSON.parse(ran.out)).toEqual([
      { Id: 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444', Name: 'Default Switch', SwitchType: 1 },
      { Id: '5f3e8d52-7a4e-4e0f-9b8a-2f7c3d1e6a90', Name: 'External Wireless', SwitchType: 2 },
    ]);
  });

  it('.state of a missing VM: empty stdout, the error record on stderr, exit 0', async () => {
    const ran = await text(sim, ['(', 'Hyper-V\\Get-VM', 'minikube', ').state']);
    expect(ran.code).toBe(0);
    expect(ran.out).toBe('');
    expect(ran.err).toBe(
      [
        'Hyper-V\\Get-VM : Hyper-V was unable to find a virtual machine with name "minikube".',
        'At line:1 char:3',
        '+ ( Hyper-V\\Get-VM minikube ).state',
        '+   ~~~~~~~~~~~~~~~~~~~~~~~',
        '    + CategoryInfo          : InvalidArgument: (minikube:String) [Get-VM], VirtualizationException',
        '    + FullyQualifiedErrorId : InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM',
        ' ',
        '',
      ].join('\r\n'),
    );
    const ip = await text(sim, ['((', 'Hyper-V\\Get-VM', 'minikube', ').networkadapters[0]).ipaddresses[0]']);
    expect({ code: ip.code, out: ip.out }).toEqual({ code: 0, out: '' });
    expect(ip.err).toContain('At line:1 char:4');
  });

  it('an unknown script is a CommandNotFoundException with exit 1, pointing at the command', async () => {
    const ran = await text(sim, ['Hyper-V\\Get-VMHost', '|', 'Select-Object', 'Name']);
    expect(ran.code).toBe(1);
    expect(ran.err.split('\r\n').slice(0, 4)).toEqual([
      "Hyper-V\\Get-VMHost : The term 'Hyper-V\\Get-VMHost' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
      'At line:1 char:1',
      '+ Hyper-V\\Get-VMHost | Select-Object Name',
      '+ ~~~~~~~~~~~~~~~~~~',
    ]);
    const unknown = (await sim.calls()).filter((call) => call.unrecognised);
    expect(unknown.map((call) => call.script)).toContain('Hyper-V\\Get-VMHost | Select-Object Name');
  });

  it("runs docker-machine's create, start, stop, kill and rm sequence as D sends it", async () => {
    const before = (await sim.calls()).length;
    const m = machineDir;
    const fixed = join(m, 'fixed.vhd');
    const newVhd = await text(sim, ['Hyper-V\\New-VHD', '-Path', `'${fixed}'`, '-SizeBytes', '10MB', '-Fixed']);
    expect(newVhd.code).toBe(0);
    const listed = newVhd.out.split('\r\n');
    expect(listed[0]).toBe('');
    expect(listed).toContain(`Path                    : ${fixed}`);
    expect(listed).toContain('FileSize                : 10486272');
    expect(listed).toContain('VhdType                 : Fixed');
    expect((await stat(fixed)).size).toBe(10 * 1024 * 1024 + VHD_FOOTER_SIZE);
    const footer = Buffer.alloc(VHD_FOOTER_SIZE);
    const handle = await open(fixed, 'r+');
    await handle.read(footer, 0, VHD_FOOTER_SIZE, 10 * 1024 * 1024);
    expect(footer.toString('ascii', 0, 8)).toBe('conectix');
    // The driver writes its tar at offset 0, as D does.
    await handle.write(Buffer.from('boot2docker, please format-me'), 0, undefined, 0);
    await handle.close();

    const disk = join(m, 'disk.vhd');
    const convert = await text(sim, [
      'Hyper-V\\Convert-VHD',
      '-Path',
      `'${fixed}'`,
      '-DestinationPath',
      `'${disk}'`,
      '-VHDType',
      'Dynamic',
      '-DeleteSource',
    ]);
    expect(convert).toEqual({ code: 0, out: '', err: '' });
    await expect(stat(fixed)).rejects.toThrow();
    expect((await readFile(disk)).subarray(0, 29).toString()).toBe('boot2docker, please format-me');
    expect(await text(sim, ['Hyper-V\\Resize-VHD', '-Path', `'${disk}'`, '-SizeBytes', '20000MB'])).toEqual({
      code: 0,
      out: '',
      err: '',
    });
    expect((await sim.vhds()).find((vhd) => vhd.path === disk)?.sizeBytes).toBe(20000 * 1024 * 1024);

    const newVm = await text(sim, [
      'Hyper-V\\New-VM',
      'default',
      '-Path',
      `'${m}'`,
      '-SwitchName',
      "'External Wireless'",
      '-MemoryStartupBytes',
      '1024MB',
    ]);
    expect(newVm.code).toBe(0);
    expect(newVm.out.split('\r\n').slice(0, 4)).toEqual([
      '',
      'Name    State CPUUsage(%) MemoryAssigned(M) Uptime   Status             Version',
      '----    ----- ----------- ----------------- ------   ------             -------',
      'default Off   0           0                 00:00:00 Operating normally 9.0',
    ]);
    await writeFile(join(m, 'boot2docker.iso'), 'not really an ISO');
    for (const pieces of [
      ['Hyper-V\\Set-VMMemory', '-VMName', 'default', '-DynamicMemoryEnabled', '$false'],
      ['Hyper-V\\Set-VMProcessor', 'default', '-Count', '1'],
      ['Hyper-V\\Set-VMNetworkAdapter', '-VMName', 'default', '-StaticMacAddress', '"00:0a:95:9d:68:16"'],
      ['Hyper-V\\Set-VMNetworkAdapterVlan', '-VMName', 'default', '-Access', '-VlanId', '42'],
      ['Hyper-V\\Set-VMDvdDrive', '-VMName', 'default', '-Path', `'${join(m, 'boot2docker.iso')}'`],
      ['Hyper-V\\Add-VMHardDiskDrive', '-VMName', 'default', '-Path', `'${disk}'`],
    ]) {
      expect(await text(sim, pieces)).toEqual({ code: 0, out: '', err: '' });
    }
    const [vm] = await sim.vms();
    expect(vm).toMatchObject({
      name: 'default',
      generation: 1,
      memoryStartupBytes: 1024 * 1024 * 1024,
      dynamicMemoryEnabled: false,
      macAddress: '000A959D6816',
      staticMac: true,
      vlanId: 42,
      switchName: 'External Wireless',
      dvdPaths: [join(m, 'boot2docker.iso')],
      hardDisks: [disk],
      state: 'Off',
    });

    const state = ['(', 'Hyper-V\\Get-VM', 'default', ').state'];
    const ip = ['((', 'Hyper-V\\Get-VM', 'default', ').networkadapters[0]).ipaddresses[0]'];
    expect((await text(sim, state)).out).toBe('Off\r\n');
    expect(await text(sim, ['Hyper-V\\Start-VM', 'default'])).toEqual({ code: 0, out: '', err: '' });
    expect((await text(sim, state)).out).toBe('Running\r\n');
    // guests: false: a running VM reports no address.
    expect(await text(sim, ip)).toEqual({ code: 0, out: '', err: '' });
    const stopStarted = Date.now();
    expect(await text(sim, ['Hyper-V\\Stop-VM', 'default'])).toEqual({ code: 0, out: '', err: '' });
    expect(Date.now() - stopStarted).toBeGreaterThanOrEqual(150);
    expect((await text(sim, state)).out).toBe('Off\r\n');
    await text(sim, ['Hyper-V\\Start-VM', 'default']);
    const refused = await text(sim, ['Hyper-V\\Remove-VM', 'default', '-Force']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('InvalidState,Microsoft.HyperV.PowerShell.Commands.RemoveVM');
    expect(await text(sim, ['Hyper-V\\Stop-VM', 'default', '-TurnOff'])).toEqual({ code: 0, out: '', err: '' });
    expect((await text(sim, state)).out).toBe('Off\r\n');
    const prompt = await text(sim, ['Hyper-V\\Remove-VM', 'default']);
    expect(prompt.code).toBe(1);
    expect(prompt.err).toContain(
      'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
    );
    expect(await text(sim, ['Hyper-V\\Remove-VM', 'default', '-Force'])).toEqual({ code: 0, out: '', err: '' });
    expect(await sim.vms()).toEqual([]);
    // Remove-VM keeps the VM's files.
    expect((await stat(disk)).isFile()).toBe(true);
    expect((await text(sim, state)).code).toBe(0);

    const calls = (await sim.calls()).slice(before);
    expect(calls.every((call) => call.kind === 'argv' && call.tool === 'powershell.exe')).toBe(true);
    // One process per call, each logged once with its exit code.
    expect(new Set(calls.map((call) => call.pid)).size).toBe(calls.length);
    expect(calls.filter((call) => call.exitCode === 1).map((call) => call.script)).toEqual([
      'Hyper-V\\Remove-VM default -Force',
      'Hyper-V\\Remove-VM default',
    ]);
  });

  it('rejects odd memory, a missing switch and a principal without rights, with exit 1', async () => {
    const odd = await text(sim, [
      'Hyper-V\\New-VM',
      'odd',
      '-Path',
      `'${machineDir}'`,
      '-SwitchName',
      "'External Wireless'",
      '-MemoryStartupBytes',
      '9001MB',
    ]);
    expect(odd.code).toBe(1);
    expect(odd.err.split('\r\n').slice(0, 2)).toEqual([
      "Hyper-V\\New-VM : Failed to modify device 'Memory'.",
      "The memory value assigned ('9001' MB) is not properly aligned. Try again with a memory value that is properly aligned.",
    ]);
    const noSwitch = await text(sim, [
      'Hyper-V\\New-VM',
      'x',
      '-Path',
      `'${machineDir}'`,
      '-SwitchName',
      "'External Switch'",
      '-MemoryStartupBytes',
      '1024MB',
    ]);
    expect(noSwitch.code).toBe(1);
    expect(noSwitch.err).toContain('Hyper-V was unable to find a virtual switch with name "External Switch".');
    await sim.setHost({ principal: { Administrator: false, HyperVAdministrator: false }, hostName: 'WS-0042' });
    try {
      const denied = await text(sim, [
        'Hyper-V\\New-VM',
        'x',
        '-Path',
        `'${machineDir}'`,
        '-SwitchName',
        "'External Wireless'",
        '-MemoryStartupBytes',
        '1024MB',
      ]);
      expect(denied.code).toBe(1);
      expect(denied.err.split('\r\n')[0]).toBe(
        "Hyper-V\\New-VM : You do not have the required permission to complete this task. Contact the administrator of the authorization policy for the computer 'WS-0042'.",
      );
      expect(denied.err).toContain(
        'FullyQualifiedErrorId : VirtualizationException,Microsoft.HyperV.PowerShell.Commands.NewVM',
      );
    } finally {
      await sim.setHost({ principal: { Administrator: true, HyperVAdministrator: false } });
    }
    expect(await sim.vms()).toEqual([]);
  });
  it('racing processes share the registry under its lock: six parallel New-VM, then six parallel Remove-VM', async () => {
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    const made = await Promise.all(
      names.map((name) =>
        text(sim, [
          'Hyper-V\\New-VM',
          name,
          '-Path',
          `'${join(machineDir, name)}'`,
          '-SwitchName',
          "'Default Switch'",
          '-MemoryStartupBytes',
          '512MB',
        ]),
      ),
    );
    expect(made.map((ran) => ran.code)).toEqual(names.map(() => 0));
    const vms = await sim.vms();
    expect(vms.map((vm) => vm.name).sort()).toEqual(names);
    expect(new Set(vms.map((vm) => vm.macAddress)).size).toBe(names.length);
    const removed = await Promise.all(names.map((name) => text(sim, ['Hyper-V\\Remove-VM', name, '-Force'])));
    expect(removed.map((ran) => ran.code)).toEqual(names.map(() => 0));
    expect(await sim.vms()).toEqual([]);
  });

  it('registerDockerMachineVm: a VM as docker-machine left it answers the .state query', async () => {
    const vm = await sim.registerDockerMachineVm({
      name: 'legacy',
      machineDir,
      switchName: 'External Wireless',
      state: 'Running',
    });
    expect(vm).toMatchObject({
      generation: 1,
      state: 'Running',
      dvdPaths: [join(machineDir, 'boot2docker.iso')],
      hardDisks: [join(machineDir, 'disk.vhd')],
    });
    expect(await text(sim, ['(', 'Hyper-V\\Get-VM', 'legacy', ').state'])).toEqual({
      code: 0,
      out: 'Running\r\n',
      err: '',
    });
    expect((await text(sim, ['Hyper-V\\Stop-VM', 'legacy', '-TurnOff'])).code).toBe(0);
    expect((await text(sim, ['Hyper-V\\Remove-VM', 'legacy', '-Force'])).code).toBe(0);
    expect(await sim.leftovers()).toEqual([]);
  });
});
