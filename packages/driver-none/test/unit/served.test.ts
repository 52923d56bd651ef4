import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  type BerthErrorData,
  DRIVER_COOKIE_ENV,
  DRIVER_COOKIE_VALUE,
  errorFromWire,
  GetIpRequest,
  GetSshUsernameRequest,
  GetStateRequest,
  InitializeRequest,
  KillRequest,
  type MachineParams,
  NotSupportedError,
  PROTOCOL_VERSION,
  SetConfigFromFlagsRequest,
} from '@berth/driver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageConnection, RequestType } from 'vscode-jsonrpc';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

// The built executable (run `tsc -b` first), spoken to over real pipes.
const bin = fileURLToPath(new URL('../../bin/berth-driver-none.js', import.meta.url));

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

let child: Child | undefined;
let connection: MessageConnection | undefined;
afterEach(() => {
  connection?.dispose();
  child?.kill('SIGKILL');
  child = undefined;
  connection = undefined;
});

function start(env: NodeJS.ProcessEnv): Child {
  child = spawn(process.execPath, [bin], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  return child;
}

async function served(): Promise<MessageConnection> {
  const driver = start({ ...process.env, [DRIVER_COOKIE_ENV]: DRIVER_COOKIE_VALUE });
  connection = createMessageConnection(new StreamMessageReader(driver.stdout), new StreamMessageWriter(driver.stdin));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    protocolVersion: PROTOCOL_VERSION,
    hostName: 'berth',
    hostVersion: '0.1.0',
  });
  return connection;
}

const machine = (driverConfig: Record<string, unknown>) => ({
  machine: { name: 'legacy-none', storePath: '/s', machineDir: '/s/machines/legacy-none', driverConfig },
});

describe('berth-driver-none as a process', () => {
  it('explains itself on stderr and exits 1 when run by hand', async () => {
    const { [DRIVER_COOKIE_ENV]: _cookie, ...env } = process.env;
    const driver = start(env);
    let stdout = '';
    let stderr = '';
    driver.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    driver.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(driver, 'exit');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`berth-driver-none 0.1.0 is a Berth driver plugin (driver protocol ${PROTOCOL_VERSION})`);
    expect(stderr).toContain('not meant to be run directly');
  });

  it('serves the none driver over stdio', async () => {
    const wire = await served();
    const { driverConfig } = await wire.sendRequest(SetConfigFromFlagsRequest.type, {
      ...machine({ MachineName: 'legacy-none', StorePath: '/s' }),
      flags: { url: 'tcp://127.0.0.1:12376' },
    });
    expect(await wire.sendRequest(GetIpRequest.type, machine(driverConfig))).toEqual({ ip: '127.0.0.1:12376' });
    expect(await wire.sendRequest(GetStateRequest.type, machine(driverConfig))).toEqual({ state: 'Running' });
  });

  it('sends its refusals as NotSupported errors the host can rebuild', async () => {
    const wire = await served();
    const refusals: [RequestType<MachineParams, unknown, BerthErrorData>, string][] = [
      [KillRequest.type, 'hosts without a driver cannot be killed'],
      [GetSshUsernameRequest.type, 'machine "legacy-none" uses the none driver, which has no SSH access'],
    ];
    for (const [request, message] of refusals) {
      const error = await wire.sendRequest(request, machine({ URL: 'tcp://h:1' })).then(
        () => undefined,
        (wireError: { code: number; message: string; data?: unknown }) => errorFromWire(wireError),
      );
      expect(error).toBeInstanceOf(NotSupportedError);
      expect(error?.message).toContain(message);
    }
  });

  it('answers what it already read when stdin ends, then exits 0', async () => {
    const driver = start({ ...process.env, [DRIVER_COOKIE_ENV]: DRIVER_COOKIE_VALUE });
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    let stdout = '';
    driver.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    driver.stdin.end(
      frame({
        id: 1,
        method: InitializeRequest.method,
        params: { protocolVersion: '1.0', hostName: 'sh', hostVersion: '1' },
      }) + frame({ id: 2, method: GetStateRequest.method, params: machine({}) }),
    );
    const [code] = await once(driver, 'exit');
    expect(code).toBe(0);
    expect(stdout).toContain('{"jsonrpc":"2.0","id":2,"result":{"state":"Running"}}');
  });
});
