import type { CallContext, Driver, LogParams, MachineParams, ProgressParams } from '@berth/driver-protocol';
import {
  type BerthErrorData,
  CancelledError,
  CreateRequest,
  DriverProtocolError,
  errorToWire,
  GetIpRequest,
  GetSshHostnameRequest,
  GetSshKeyPathRequest,
  GetSshPortRequest,
  GetSshUsernameRequest,
  GetStateRequest,
  GetUrlRequest,
  InitializeRequest,
  isBerthError,
  KillRequest,
  LogNotification,
  PROTOCOL_VERSION,
  PreCreateCheckRequest,
  progressNotificationFor,
  protocolMajor,
  protocolVersionMismatch,
  RemoveRequest,
  RestartRequest,
  SetConfigFromFlagsRequest,
  ShutdownRequest,
  StartRequest,
  StopRequest,
  UpgradeRequest,
} from '@berth/driver-protocol';
import type { CancellationToken, MessageConnection, RequestType, ResponseError } from 'vscode-jsonrpc';
import { createCallContext } from './call-context.js';

type Reply<R> = Promise<R | ResponseError<BerthErrorData>>;

interface RequestDeclaration<P, R> {
  method: string;
  type: RequestType<P, R, BerthErrorData>;
}

function isMachineParams(params: unknown): params is MachineParams {
  if (typeof params !== 'object' || params === null) return false;
  const machine = (params as { machine?: unknown }).machine;
  if (typeof machine !== 'object' || machine === null) return false;
  const { name, storePath, machineDir, driverConfig } = machine as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    typeof storePath === 'string' &&
    typeof machineDir === 'string' &&
    typeof driverConfig === 'object' &&
    driverConfig !== null &&
    !Array.isArray(driverConfig)
  );
}

/** What `serveConnection` hands back. */
export interface ServedConnection {
  /** Resolves once no call is in flight (at once if none is). */
  idle(): Promise<void>;
  /** Aborts every call in flight, as if the host had cancelled each (used when the host drops the driver). */
  cancelAll(): void;
}

/**
 * Wires `driver` to an open JSON-RPC connection and starts listening: one handler per request,
 * the protocol-major check in `driver/initialize`, cancellation (`$/cancelRequest` aborts the call's
 * AbortSignal) and error mapping (a BerthError keeps its code; anything else becomes `Internal`,
 * tagged with the driver name). `serve()` calls this on stdin/stdout; tests call it on in-memory streams.
 */
export function serveConnection(driver: Driver, connection: MessageConnection): ServedConnection {
  let initialized = false;
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];
  const running = new Set<() => void>();

  // Logging must never fail a call, also once the host has closed the connection.
  const notify = (send: () => Promise<void>): void => {
    try {
      send().catch(() => undefined);
    } catch {
      // Connection closed or disposed: the line has nowhere to go.
    }
  };
  const onLog = (params: LogParams): void => notify(() => connection.sendNotification(LogNotification.type, params));
  // Progress goes out under the name the host reads: `driver/progress` from protocol 1.2 on, `$/progress`
  // to older hosts. Set by driver/initialize; machine calls that arrive before it are refused.
  let progressNotification = progressNotificationFor('');
  const onProgress = (params: ProgressParams): void =>
    notify(() => connection.sendNotification(progressNotification.type, params));

  async function run<R>(
    method: string,
    token: CancellationToken,
    machine: string | undefined,
    body: (context: CallContext) => Promise<R>,
  ): Reply<R> {
    const controller = new AbortController();
    const cancelled = () =>
      controller.abort(new CancelledError(`${method} was cancelled by the host`, { data: { driver: driver.name } }));
    const subscription = token.onCancellationRequested(cancelled);
    running.add(cancelled);
    if (token.isCancellationRequested) cancelled();
    const context = createCallContext({ signal: controller.signal, machine, onLog, onProgress });
    inFlight += 1;
    try {
      return await body(context);
    } catch (error) {
      const reported = controller.signal.aborted && !isBerthError(error) ? controller.signal.reason : error;
      return errorToWire(reported, driver.name);
    } finally {
      subscription.dispose();
      running.delete(cancelled);
      inFlight -= 1;
      if (inFlight === 0) {
        for (const wake of idleWaiters) wake();
        idleWaiters = [];
      }
    }
  }

  function onMachineRequest<P extends MachineParams, R>(
    declaration: RequestDeclaration<P, R>,
    call: (params: P, context: CallContext) => Promise<R>,
  ): void {
    connection.onRequest(declaration.type, (params, token) =>
      run(declaration.method, token, isMachineParams(params) ? params.machine.name : undefined, async (context) => {
        if (!initialized) {
          throw new DriverProtocolError(`${declaration.method} arrived before driver/initialize`);
        }
        if (!isMachineParams(params)) {
          throw new DriverProtocolError(
            `${declaration.method} needs params {machine: {name, storePath, machineDir, driverConfig}}`,
          );
        }
        return call(params, context);
      }),
    );
  }

  const done = async (work: Promise<void>): Promise<null> => {
    await work;
    return null;
  };

  connection.onRequest(InitializeRequest.type, (params, token) =>
    run(InitializeRequest.method, token, undefined, async (context) => {
      const hostProtocol = String(params.protocolVersion);
      if (protocolMajor(hostProtocol) !== protocolMajor(PROTOCOL_VERSION)) {
        throw protocolVersionMismatch({
          hostName: params.hostName ?? 'the host',
          hostVersion: params.hostVersion ?? '(unknown version)',
          hostProtocol,
          driverName: driver.name,
          driverVersion: driver.version,
          driverProtocol: PROTOCOL_VERSION,
        });
      }
      progressNotification = progressNotificationFor(hostProtocol);
      const result = await driver.initialize(params, context);
      initialized = true;
      return { ...result, protocolVersion: PROTOCOL_VERSION };
    }),
  );
  connection.onRequest(ShutdownRequest.type, (params, token) =>
    run(ShutdownRequest.method, token, undefined, (context) => done(driver.shutdown(params ?? {}, context))),
  );

  onMachineRequest(SetConfigFromFlagsRequest, (params, context) => driver.setConfigFromFlags(params, context));
  onMachineRequest(PreCreateCheckRequest, (params, context) => done(driver.preCreateCheck(params, context)));
  onMachineRequest(CreateRequest, (params, context) => driver.create(params, context));
  onMachineRequest(RemoveRequest, (params, context) => done(driver.remove(params, context)));
  onMachineRequest(StartRequest, (params, context) => driver.start(params, context));
  onMachineRequest(StopRequest, (params, context) => driver.stop(params, context));
  onMachineRequest(RestartRequest, (params, context) => driver.restart(params, context));
  onMachineRequest(KillRequest, (params, context) => driver.kill(params, context));
  onMachineRequest(UpgradeRequest, (params, context) => driver.upgrade(params, context));
  onMachineRequest(GetStateRequest, (params, context) => driver.getState(params, context));
  onMachineRequest(GetUrlRequest, (params, context) => driver.getUrl(params, context));
  onMachineRequest(GetIpRequest, (params, context) => driver.getIp(params, context));
  onMachineRequest(GetSshHostnameRequest, (params, context) => driver.getSshHostname(params, context));
  onMachineRequest(GetSshPortRequest, (params, context) => driver.getSshPort(params, context));
  onMachineRequest(GetSshUsernameRequest, (params, context) => driver.getSshUsername(params, context));
  onMachineRequest(GetSshKeyPathRequest, (params, context) => driver.getSshKeyPath(params, context));

  connection.listen();
  return {
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    cancelAll: () => {
      for (const cancel of [...running]) cancel();
    },
  };
}
