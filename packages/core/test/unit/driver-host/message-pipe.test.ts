import { describe, expect, it } from 'vitest';
import { createMessageConnection, type Message, RequestType } from 'vscode-jsonrpc';
import { messagePipe } from '../../../src/driver-host/message-pipe.js';

/** The messages `end`'s reader receives, in order. */
function collect(end: { reader: { listen(cb: (m: Message) => void): unknown } }): Message[] {
  const got: Message[] = [];
  end.reader.listen((message) => got.push(message));
  return got;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the in-memory message pipe of in-process drivers', () => {
  it('delivers what one end writes to the other, in order, as the JSON a frame would carry', async () => {
    const { a, b } = messagePipe();
    const got = collect(b);
    const sent = { jsonrpc: '2.0', method: 'x', params: { when: new Date(0), gone: undefined, list: [1] } };
    const written = [a.writer.write(sent as Message), a.writer.write({ jsonrpc: '2.0', method: 'y' } as Message)];
    expect(got).toEqual([]); // not in the writer's own call stack, as with a stream
    await Promise.all(written);
    await settle();
    expect(got).toEqual([
      { jsonrpc: '2.0', method: 'x', params: { when: '1970-01-01T00:00:00.000Z', list: [1] } },
      { jsonrpc: '2.0', method: 'y' },
    ]);
    expect((got[0] as unknown as { params: { list: number[] } }).params.list).not.toBe(sent.params.list);
  });

  it('keeps what arrives before the reader listens', async () => {
    const { a, b } = messagePipe();
    await b.writer.write({ jsonrpc: '2.0', method: 'early' } as Message);
    await settle();
    expect(collect(a)).toEqual([{ jsonrpc: '2.0', method: 'early' }]);
  });

  it('tells the other end when this end stops writing, and refuses writes after that', async () => {
    const { a, b } = messagePipe();
    let closed = 0;
    b.reader.onClose(() => {
      closed += 1;
    });
    a.writer.end();
    a.writer.end();
    expect(closed).toBe(0); // after what was written before the end
    await settle();
    expect(closed).toBe(1);
    await expect(a.writer.write({ jsonrpc: '2.0', method: 'late' } as Message)).rejects.toThrow(/closed/);
  });

  it('delivers nothing to a reader its connection disposed of', async () => {
    const { a, b } = messagePipe();
    const got = collect(b);
    b.reader.dispose();
    await a.writer.write({ jsonrpc: '2.0', method: 'after' } as Message);
    await settle();
    expect(got).toEqual([]);
  });

  it('reports a message JSON cannot carry as a write error, as a stream writer does', async () => {
    const { a, b } = messagePipe();
    const got = collect(b);
    const errors: unknown[] = [];
    a.writer.onError(([error]) => errors.push(error));
    await expect(a.writer.write({ jsonrpc: '2.0', method: 'big', params: [1n] } as unknown as Message)).rejects.toThrow(
      TypeError,
    );
    await settle();
    expect(errors).toHaveLength(1);
    expect(got).toEqual([]);
  });

  it('carries a JSON-RPC conversation between two connections', async () => {
    const { a, b } = messagePipe();
    const Add = new RequestType<{ x: number; y: number }, number, void>('add');
    const server = createMessageConnection(b.reader, b.writer);
    server.onRequest(Add, ({ x, y }) => x + y);
    server.listen();
    const client = createMessageConnection(a.reader, a.writer);
    client.listen();
    expect(await client.sendRequest(Add, { x: 2, y: 3 })).toBe(5);
    client.dispose();
    server.dispose();
  });
});
