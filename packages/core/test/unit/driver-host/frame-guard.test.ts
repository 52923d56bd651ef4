import { describe, expect, it } from 'vitest';
import { FrameGuard } from '../../../src/driver-host/frame-guard.js';

function frame(message: object, headers = ''): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n${headers}\r\n`, 'ascii'), body]);
}

const response = { jsonrpc: '2.0', id: 1, result: { url: 'tcp://häst:2376' } };

function check(...chunks: Buffer[]) {
  const guard = new FrameGuard();
  let violation: ReturnType<FrameGuard['push']>;
  for (const chunk of chunks) violation = guard.push(chunk);
  return violation;
}

describe('FrameGuard', () => {
  it('accepts frames however they are split, multi-byte text and Content-Type included', () => {
    const stream = Buffer.concat([
      frame(response),
      frame(
        { jsonrpc: '2.0', method: '$/log', params: { level: 'info', message: 'ok' } },
        'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n',
      ),
    ]);
    expect(check(stream)).toBeUndefined();
    const bytes = [...stream].map((byte) => Buffer.from([byte]));
    expect(check(...bytes)).toBeUndefined();
  });

  it('fails on the first byte of stray text', () => {
    expect(check(Buffer.from('Creating VM...\n'))).toEqual({
      reason: 'text that is not a frame header',
      excerpt: 'Creating VM...\n',
    });
    expect(check(frame(response), Buffer.from('x'))).toMatchObject({ reason: 'text that is not a frame header' });
  });

  it('fails on text that starts like a header but is not one', () => {
    expect(check(Buffer.from('Content-Lengthy: 3\r\n'))?.reason).toBe('text that is not a frame header');
    expect(check(Buffer.from('Content-: 3\r\n'))?.reason).toBe('an unknown frame header');
    expect(check(Buffer.from('Content-Length\r\n'))?.reason).toBe('a frame header line without ":"');
    expect(check(Buffer.from('content\n'))?.reason).toBe('a bare line feed outside a frame');
    expect(check(Buffer.from('Content-Length: 3\r\n\r\n'), Buffer.from('{}}'))?.reason).toBe(
      'a frame whose body is not a JSON-RPC 2.0 message',
    );
  });

  it('fails on headers without a usable Content-Length', () => {
    expect(check(Buffer.from('\r\n'))?.reason).toBe('a frame header without Content-Length');
    expect(check(Buffer.from('Content-Type: text/plain\r\n\r\n'))?.reason).toBe(
      'a frame header without Content-Length',
    );
    expect(check(Buffer.from('Content-Length: many\r\n'))?.reason).toBe('a Content-Length that is not a number');
    expect(check(Buffer.from('Content-Length: 12\u0000'))?.reason).toBe('a byte that cannot appear in a frame header');
  });

  it('fails on a JSON body that is not JSON-RPC 2.0', () => {
    expect(check(frame({ id: 1, result: null }))?.reason).toBe('a frame whose body is not a JSON-RPC 2.0 message');
    expect(check(frame([1, 2]))?.excerpt).toBe('[1,2]');
  });

  it('fails on a header that never ends', () => {
    expect(check(Buffer.from(`Content-Type: ${'x'.repeat(2000)}`))?.reason).toBe('a frame header that never ends');
  });

  it('keeps reporting the first violation', () => {
    const guard = new FrameGuard();
    const first = guard.push(Buffer.from('oops'));
    expect(guard.push(frame(response))).toBe(first);
  });
});
