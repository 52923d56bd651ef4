import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { generateSshKeyPair } from '../../src/index.js';
import { waitForSsh } from '../../src/ssh/index.js';

// A port that accepts and never answers (a VM's forwarded port before sshd, a tarpit) used to hold
// Ctrl-C until the handshake timed out; the signal now ends the attempt itself.
let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

it('stops waiting for SSH as soon as the signal fires, mid-handshake', async () => {
  server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const { privateKey } = await generateSshKeyPair('test');
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 300);
  const error = await waitForSsh(
    { host: '127.0.0.1', port, user: 'docker', privateKey, timeoutMs: 20_000 },
    { timeoutMs: 60_000, signal: controller.signal },
  ).catch((caught: unknown) => caught);
  expect(error).toMatchObject({
    code: 'Cancelled',
    message: expect.stringMatching(/^Interrupted while connecting to 127\.0\.0\.1:\d+ over SSH$/),
  });
  expect(sockets.length).toBeGreaterThan(0);
  expect(Date.now() - started).toBeLessThan(2_000);
});
