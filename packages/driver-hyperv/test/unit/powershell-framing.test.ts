import { describe, expect, it } from 'vitest';
import {
  convertVhdStatement,
  newVmStatement,
  processorStatement,
  staticMacStatement,
  vmStatement,
  vmsStatement,
} from '../../src/hyperv-statements.js';
import {
  answerMarker,
  markerId,
  parseAnswer,
  requestLine,
  SESSION_PREAMBLE,
} from '../../src/powershell/ps-envelope.js';
import { psString } from '../../src/powershell/ps-literal.js';

// The session's framing as contract §2 fixes it (the simulator pattern-matches these texts), and
// the reading of answers as Windows PowerShell 5.1 prints them.

describe('PowerShell literals', () => {
  it('single-quotes, doubling embedded quotes; $ and backticks stay literal', () => {
    expect(psString('External Wireless')).toBe("'External Wireless'");
    expect(psString("O'Brien's switch")).toBe("'O''Brien''s switch'");
    expect(psString('$env:PATH `n')).toBe("'$env:PATH `n'");
    expect(psString('')).toBe("''");
  });

  it('joins characters outside printable ASCII as [char] codes (stdin is read in the console code page)', () => {
    expect(psString('C:\\Users\\Jürgen')).toBe("('C:\\Users\\J' + [char]0x00fc + 'rgen')");
    // Typographic quotes end a single-quoted PowerShell string: never written raw.
    expect(psString('a\u2019b')).toBe("('a' + [char]0x2019 + 'b')");
    expect(psString('é')).toBe("('' + [char]0x00e9)");
    expect(psString('x\ty')).toBe("('x' + [char]0x0009 + 'y')");
  });
});

describe('the envelope', () => {
  it('writes the preamble and request line of contract §2, byte for byte', () => {
    expect(SESSION_PREAMBLE).toBe(
      "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; [Console]::OutputEncoding = [Text.Encoding]::UTF8",
    );
    const body = "Hyper-V\\Start-VM -Name 'dev'";
    expect(requestLine(7, body)).toBe(
      `& { try { $berthOut = @( ${body} ); '{"ok":true,"value":' + (ConvertTo-Json -InputObject $berthOut -Compress -Depth 4) + '}' } catch { '{"ok":false,"error":' + (ConvertTo-Json -Compress -InputObject @{ message = $_.Exception.Message; id = $_.FullyQualifiedErrorId; category = "$($_.CategoryInfo.Category)" }) + '}' }; '<<<berth:7>>>' }`,
    );
    expect(() => requestLine(1, 'a\nb')).toThrow(RangeError);
    expect(markerId(answerMarker(42))).toBe(42);
    expect(markerId('<<<berth:x>>>')).toBeUndefined();
    expect(markerId('{"ok":true,"value":[]}')).toBeUndefined();
  });

  it('reads the JSON line before the marker, past a byte-order mark and stray lines', () => {
    expect(parseAnswer(['\uFEFF{"ok":true,"value":["Get-VM"]}'])).toEqual({ ok: true, value: ['Get-VM'] });
    expect(parseAnswer(['WARNING: something', '{"ok":true,"value":[]}', ''])).toEqual({ ok: true, value: [] });
    // A single object where PowerShell unrolled a one-element array, and null for no output.
    expect(parseAnswer(['{"ok":true,"value":{"Name":"a"}}'])).toEqual({ ok: true, value: [{ Name: 'a' }] });
    expect(parseAnswer(['{"ok":true,"value":null}'])).toEqual({ ok: true, value: [] });
    expect(
      parseAnswer([
        '{"ok":false,"error":{"id":"InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM","category":"InvalidArgument","message":"Hyper-V was unable to find a virtual machine with name \\"x\\"."}}',
      ]),
    ).toEqual({
      ok: false,
      error: {
        message: 'Hyper-V was unable to find a virtual machine with name "x".',
        id: 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM',
        category: 'InvalidArgument',
      },
    });
    expect(parseAnswer(['not json', '{broken'])).toBeUndefined();
    expect(parseAnswer([])).toBeUndefined();
  });
});

describe('statements', () => {
  it('are the BODY forms of contract §2', () => {
    const columns =
      "Select-Object Name, @{n='Id';e={\"$($_.VMId)\"}}, @{n='State';e={\"$($_.State)\"}}, @{n='IPAddresses';e={@($_.NetworkAdapters | ForEach-Object { $_.IPAddresses })}}";
    expect(vmsStatement()).toBe(`Hyper-V\\Get-VM | ${columns}`);
    expect(vmStatement('dev')).toBe(`Hyper-V\\Get-VM -Name 'dev' | ${columns}`);
    expect(convertVhdStatement('/m/fixed.vhd', '/m/disk.vhdx')).toBe(
      "Hyper-V\\Convert-VHD -Path '/m/fixed.vhd' -DestinationPath '/m/disk.vhdx' -VHDType Dynamic -DeleteSource",
    );
    expect(
      newVmStatement({
        name: 'dev',
        machineDir: '/m',
        memoryMb: 1024,
        switchName: 'Default Switch',
        vhdPath: '/m/disk.vhdx',
      }),
    ).toBe(
      "Hyper-V\\New-VM -Name 'dev' -Path '/m' -Generation 2 -MemoryStartupBytes 1024MB -SwitchName 'Default Switch' -VHDPath '/m/disk.vhdx'",
    );
    expect(processorStatement('dev', 2)).toBe("Hyper-V\\Set-VMProcessor -VMName 'dev' -Count 2");
    expect(staticMacStatement('dev', '00155D012A00')).toBe(
      "Hyper-V\\Set-VMNetworkAdapter -VMName 'dev' -StaticMacAddress '00155D012A00'",
    );
    expect(() => staticMacStatement('dev', '00:15')).toThrow(RangeError);
  });
});
