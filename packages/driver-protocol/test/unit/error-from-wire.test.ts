import { describe, expect, it } from 'vitest';
import { ErrorCodes } from 'vscode-jsonrpc';
import {
  BERTH_ERROR_CODE,
  CancelledError,
  DriverProtocolError,
  errorFromWire,
  InternalError,
  NotSupportedError,
  REQUEST_CANCELLED_CODE,
} from '../../src/index.js';

describe('errorFromWire with plain JSON-RPC errors', () => {
  it('maps MethodNotFound to NotSupported (a driver of an older minor)', () => {
    const error = errorFromWire(
      { code: ErrorCodes.MethodNotFound, message: 'Unhandled method machine/upgrade' },
      { driverName: 'old' },
    );
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error.message).toBe('The old driver does not implement this call (Unhandled method machine/upgrade)');
  });

  it('maps LSP-style RequestCancelled to Cancelled', () => {
    expect(errorFromWire({ code: REQUEST_CANCELLED_CODE, message: 'cancelled' })).toBeInstanceOf(CancelledError);
  });

  it('maps malformed-message codes to DriverProtocol', () => {
    for (const code of [ErrorCodes.ParseError, ErrorCodes.InvalidRequest, ErrorCodes.InvalidParams]) {
      expect(errorFromWire({ code, message: 'bad' })).toBeInstanceOf(DriverProtocolError);
    }
  });

  it('maps any other code to Internal, naming the driver', () => {
    const error = errorFromWire({ code: ErrorCodes.InternalError, message: 'boom' }, { driverName: 'py' });
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe('The py driver failed: boom');
    expect(error.data).toEqual({ driver: 'py', jsonRpcCode: ErrorCodes.InternalError });
  });

  it('treats a Berth error code without valid data as a protocol violation', () => {
    const error = errorFromWire({ code: BERTH_ERROR_CODE, message: 'x', data: { code: 7 } });
    expect(error).toBeInstanceOf(DriverProtocolError);
  });
});
