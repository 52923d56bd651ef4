import { createServer } from 'node:net';

/**
 * Binds 127.0.0.1:`port` for a moment (0: any free port), as VirtualBox's NAT forward will bind
 * it; resolves with the port bound, or undefined when it is taken.
 */
function probeLoopback(port: number): Promise<number | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const bound = server.address();
      server.close(() => resolve(bound && typeof bound === 'object' ? bound.port : undefined));
    });
  });
}

/** A port on 127.0.0.1 nothing listens on now. */
export async function freeLoopbackPort(): Promise<number> {
  const port = await probeLoopback(0);
  if (port === undefined) throw new Error('the kernel assigned no free port on 127.0.0.1');
  return port;
}

export async function loopbackPortFree(port: number): Promise<boolean> {
  return (await probeLoopback(port)) === port;
}
