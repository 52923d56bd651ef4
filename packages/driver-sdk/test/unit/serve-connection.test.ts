import {
  type CallContext,
  CancelledError,
  type CreateFlag,
  CreateRequest,
  type DriverCapabilities,
  type DriverConfigResult,
  DriverProtocolError,
  errorFromWire,
  GetStateRequest,
  type GetStateResult,
  InitializeRequest,
  LegacyProgressNotification,
  LogNotification,
  type LogParams,
  type MachineParams,
  NotSupportedError,
  PROTOCOL_VERSION,
  ProgressNotification,
  type ProgressParams,
  StopRequest,
} from '@berth/driver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { CancellationTokenSource, ErrorCodes, RequestType } from 'vscode-jsonrpc';
import { BaseDriver, serveConnection } from '../../src/index.js';
import { type ConnectionPair, connectionPair } from './connection-pair.js';

/** create waits until cancelled, reporting progress; getState logs. */
class PatientDriver extends BaseDriver {
  readonly name = 'patient';
  readonly version = '1.0.0';
  started: () => void = () => undefined;

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }

  override async create({ machine }: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    context.progress(`Creating ${machine.name}...`);
    this.started();
    await new Promise((_resolve, reject) => {
      context.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
    return { driverConfig: {} };
  }

  override async getState(_params: MachineParams, context: CallContext): Promise<GetStateResult> {
    context.log('info', 'looked at the VM');
    return { state: 'Stopped' };
  }
}

const machine = (name: string) => ({
  machine: { name, storePath: '/store', machineDir: `/store/machines/${name}`, driverConfig: {} },
});

type Wire = { code: number; message: string; data?: unknown };
const rebuilt = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Wire) => errorFromWire(error, { driverName: 'patient' }),
  );

let pair: ConnectionPair;
afterEach(() => pair?.dispose());

function open(driver: PatientDriver): ConnectionPair {
  pair = connectionPair();
  serveConnection(driver, pair.driver);
  return pair;
}

async function initialize(connection: ConnectionPair, protocolVersion = PROTOCOL_VERSION): Promise<void> {
  await connection.host.sendRequest(InitializeRequest.type, {
    protocolVersion,
    hostName: 'berth',
    hostVersion: '0.0.0-test',
  });
}

describe('serveConnection', () => {
  it('aborts the call signal on $/cancelRequest and answers Cancelled (progress meanwhile)', async () => {
    const driver = new PatientDriver();
    const connection = open(driver);
    const progress: ProgressParams[] = [];
    connection.host.onNotification(ProgressNotification.type, (params) => progress.push(params));
    connection.host.listen();
    await initialize(connection);
    const started = new Promise<void>((resolve) => {
      driver.started = resolve;
    });
    const source = new CancellationTokenSource();
    const result = rebuilt(connection.host.sendRequest(CreateRequest.type, machine('dev'), source.token));
    await started;
    source.cancel();
    const error = await result;
    expect(error).toBeInstanceOf(CancelledError);
    expect(error?.message).toBe('machine/create was cancelled by the host');
    expect(progress).toEqual([{ machine: 'dev', message: 'Creating dev...' }]);
  });

  it.each([
    { host: PROTOCOL_VERSION, sent: 'driver/progress' },
    { host: '1.3', sent: 'driver/progress' },
    { host: '1.1', sent: '$/progress' },
    { host: '1.0', sent: '$/progress' },
  ])('sends progress to a host of protocol $host as $sent, and only so', async ({ host, sent }) => {
    const driver = new PatientDriver();
    const connection = open(driver);
    const received: [string, ProgressParams][] = [];
    for (const notification of [ProgressNotification, LegacyProgressNotification]) {
      connection.host.onNotification(notification.type, (params) => received.push([notification.method, params]));
    }
    connection.host.listen();
    await initialize(connection, host);
    const started = new Promise<void>((resolve) => {
      driver.started = resolve;
    });
    const source = new CancellationTokenSource();
    const creating = rebuilt(connection.host.sendRequest(CreateRequest.type, machine('web'), source.token));
    await started;
    source.cancel();
    await creating;
    expect(received).toEqual([[sent, { machine: 'web', message: 'Creating web...' }]]);
  });

  it('sends $/log lines tagged with the machine', async () => {
    const connection = open(new PatientDriver());
    const logs: LogParams[] = [];
    connection.host.onNotification(LogNotification.type, (params) => logs.push(params));
    connection.host.listen();
    await initialize(connection);
    expect(await connection.host.sendRequest(GetStateRequest.type, machine('dev'))).toEqual({ state: 'Stopped' });
    expect(logs).toEqual([{ level: 'info', message: 'looked at the VM', machine: 'dev' }]);
  });

  it('refuses machine calls before driver/initialize', async () => {
    const connection = open(new PatientDriver());
    connection.host.listen();
    const error = await rebuilt(connection.host.sendRequest(GetStateRequest.type, machine('dev')));
    expect(error).toBeInstanceOf(DriverProtocolError);
    expect(error?.message).toBe('machine/getState arrived before driver/initialize');
  });

  it('refuses machine calls without a well-formed machine context', async () => {
    const connection = open(new PatientDriver());
    connection.host.listen();
    await initialize(connection);
    const broken = { machine: { name: 'dev', storePath: '/store' } } as unknown as MachineParams;
    const error = await rebuilt(connection.host.sendRequest(GetStateRequest.type, broken));
    expect(error).toBeInstanceOf(DriverProtocolError);
  });

  it('answers BaseDriver defaults with NotSupported in Docker Machine wording', async () => {
    const connection = open(new PatientDriver());
    connection.host.listen();
    await initialize(connection);
    const error = await rebuilt(connection.host.sendRequest(StopRequest.type, machine('dev')));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error?.message).toBe('patient driver does not support stop');
  });

  it('answers an unknown method with MethodNotFound, which hosts read as NotSupported', async () => {
    const connection = open(new PatientDriver());
    connection.host.listen();
    await initialize(connection);
    const future = new RequestType<MachineParams, null, void>('machine/snapshot');
    const wire = await connection.host.sendRequest(future, machine('dev')).then(
      () => undefined,
      (error: Wire) => error,
    );
    expect(wire?.code).toBe(ErrorCodes.MethodNotFound);
    expect(errorFromWire(wire as Wire)).toBeInstanceOf(NotSupportedError);
  });
});
