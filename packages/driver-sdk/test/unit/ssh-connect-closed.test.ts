import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { generateSshKeyPair } from '../../src/index.js';
import { SshSession, waitForSsh } from '../../src/ssh/index.js';

// sshd refusing a login while the system goes down (pam_nologin) sends its banner and closes.
// ssh2 then emits neither 'error' nor its ready timeout, and a reboot waited forever on it.
let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

async function bannerThenClose(): Promise<number> {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
    setTimeout(() => socket.end(), 20);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

it('fails a connection the host closes after its banner, at once and as SshConnect', async () => {
  const port = await bannerThenClose();
  const { privateKey } = await generateSshKeyPair('test');
  const started = Date.now();
  const error = await SshSession.connect({
    host: '127.0.0.1',
    port,
    user: 'docker',
    privateKey,
    timeoutMs: 20_000,
  }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'SshConnect', message: expect.stringContaining('closed the connection') });
  expect(Date.now() - started).toBeLessThan(5_000);
});

it('keeps waiting for SSH past such closes until its own bound, then says so', async () => {
  const port = await bannerThenClose();
  const { privateKey } = await generateSshKeyPair('test');
  const started = Date.now();
  const error = await waitForSsh(
    { host: '127.0.0.1', port, user: 'docker', privateKey, timeoutMs: 20_000 },
    { timeoutMs: 2_500 },
  ).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'SshConnect' });
  const elapsed = Date.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(2_000);
  expect(elapsed).toBeLessThan(8_000);
});
