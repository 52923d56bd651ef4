import {
  BerthError,
  type BerthErrorData,
  type CallContext,
  type CreateFlag,
  CreateRequest,
  type DriverCapabilities,
  type DriverConfigResult,
  type ErrorClassTable,
  errorFromWire,
  InitializeRequest,
  InternalError,
  isBerthError,
  type MachineParams,
  PROTOCOL_ERROR_CLASSES,
  PROTOCOL_VERSION,
  ProtocolVersionMismatchError,
  UnrecognizedCodeError,
} from '@berth/driver-protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { BaseDriver, serveConnection } from '../../src/index.js';
import { type ConnectionPair, connectionPair } from './connection-pair.js';

/** A driver whose create throws whatever the test put under the machine's name. */
class ThrowingDriver extends BaseDriver {
  readonly name = 'thrower';
  readonly version = '9.9.9';
  readonly toThrow = new Map<string, unknown>();

  capabilities(): DriverCapabilities {
    return {};
  }

  createFlags(): CreateFlag[] {
    return [];
  }

  override async create({ machine }: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.toThrow.get(machine.name);
  }
}

/** Stands in for a class defined in @berth/core/errors. */
class MachineNotFoundError extends BerthError {
  override readonly code = 'MachineNotFound' as const;
}

const machine = (name: string) => ({
  machine: { name, storePath: '/store', machineDir: `/store/machines/${name}`, driverConfig: {} },
});

let pair: ConnectionPair;
afterEach(() => pair?.dispose());

async function started(driver: ThrowingDriver): Promise<ConnectionPair> {
  pair = connectionPair();
  serveConnection(driver, pair.driver);
  pair.host.listen();
  await pair.host.sendRequest(InitializeRequest.type, {
    protocolVersion: PROTOCOL_VERSION,
    hostName: 'berth',
    hostVersion: '0.0.0-test',
  });
  return pair;
}

/** Runs machine/create for `name` and returns the error the host rebuilt. */
async function createError(
  connection: ConnectionPair,
  name: string,
  classes?: ErrorClassTable,
): Promise<BerthError<string>> {
  try {
    await connection.host.sendRequest(CreateRequest.type, machine(name));
  } catch (error) {
    return errorFromWire(error as { code: number; message: string; data?: BerthErrorData }, {
      classes,
      driverName: 'thrower',
    });
  }
  throw new Error('machine/create unexpectedly succeeded');
}

describe('errors across the wire', () => {
  const classes = Object.entries(PROTOCOL_ERROR_CLASSES);

  it.each(classes)('%s keeps its class, message, actions and data', async (code, ErrorClass) => {
    const driver = new ThrowingDriver();
    const sent = new ErrorClass(`something about ${code}`, { actions: [`fix ${code}`], data: { detail: 42 } });
    driver.toThrow.set('m', sent);
    const received = await createError(await started(driver), 'm');
    expect(received).toBeInstanceOf(ErrorClass);
    expect(received.constructor).toBe(ErrorClass);
    expect(received.code).toBe(code);
    expect(received.name).toBe(ErrorClass.name);
    expect(received.message).toBe(`something about ${code}`);
    expect(received.actions).toEqual([`fix ${code}`]);
    expect(received.data).toEqual({ detail: 42 });
  });

  it('rebuilds classes the caller adds to the table', async () => {
    const driver = new ThrowingDriver();
    driver.toThrow.set('m', new MachineNotFoundError('Docker machine "m" does not exist.'));
    const received = await createError(await started(driver), 'm', {
      ...PROTOCOL_ERROR_CLASSES,
      MachineNotFound: MachineNotFoundError,
    });
    expect(received).toBeInstanceOf(MachineNotFoundError);
    expect(received.code).toBe('MachineNotFound');
  });

  it('keeps a code that has no class as an UnrecognizedCodeError', async () => {
    const driver = new ThrowingDriver();
    driver.toThrow.set('known', new MachineNotFoundError('gone'));
    driver.toThrow.set('newer', new UnrecognizedCodeError('QuotaExceeded', 'too many machines', { actions: ['wait'] }));
    const connection = await started(driver);
    const known = await createError(connection, 'known');
    expect(known).toBeInstanceOf(UnrecognizedCodeError);
    expect(known.code).toBe('MachineNotFound');
    const newer = await createError(connection, 'newer');
    expect(newer).toBeInstanceOf(UnrecognizedCodeError);
    expect(newer).toMatchObject({ code: 'QuotaExceeded', message: 'too many machines', actions: ['wait'] });
    expect(isBerthError(newer)).toBe(true);
  });

  it('turns anything that is not a BerthError into Internal, tagged with the driver name', async () => {
    const driver = new ThrowingDriver();
    driver.toThrow.set('plain', new TypeError('cannot read properties of undefined'));
    driver.toThrow.set('string', 'a thrown string');
    const connection = await started(driver);
    const plain = await createError(connection, 'plain');
    expect(plain).toBeInstanceOf(InternalError);
    expect(plain.message).toBe('thrower driver: cannot read properties of undefined');
    expect(plain.data).toEqual({ driver: 'thrower' });
    expect((await createError(connection, 'string')).message).toBe('thrower driver: a thrown string');
  });
});

describe('driver/initialize', () => {
  it('rejects a host of another protocol major, naming both versions', async () => {
    pair = connectionPair();
    serveConnection(new ThrowingDriver(), pair.driver);
    pair.host.listen();
    const error = await pair.host
      .sendRequest(InitializeRequest.type, { protocolVersion: '2.3', hostName: 'berth', hostVersion: '7.0.0' })
      .then(
        () => undefined,
        (wire: { code: number; message: string; data?: unknown }) => errorFromWire(wire),
      );
    expect(error).toBeInstanceOf(ProtocolVersionMismatchError);
    expect(error?.message).toBe(
      `berth 7.0.0 speaks driver protocol 2.3, but the thrower driver 9.9.9 speaks ${PROTOCOL_VERSION}`,
    );
    expect(error?.actions).toEqual(['Upgrade the thrower driver to a version that speaks driver protocol 2.x.']);
    expect(error?.data).toMatchObject({ hostProtocolVersion: '2.3', driverProtocolVersion: PROTOCOL_VERSION });
  });

  it('answers with the description and the protocol version of this package', async () => {
    pair = connectionPair();
    serveConnection(new ThrowingDriver(), pair.driver);
    pair.host.listen();
    const result = await pair.host.sendRequest(InitializeRequest.type, {
      protocolVersion: '1.7',
      hostName: 'berth',
      hostVersion: '1.0.0',
    });
    expect(result).toEqual({
      name: 'thrower',
      version: '9.9.9',
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      createFlags: [],
    });
  });
});
