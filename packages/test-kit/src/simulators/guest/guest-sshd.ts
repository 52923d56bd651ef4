import { connect } from 'node:net';

/** Whether an SSH server answers on address:port (its `SSH-` identification line arrives). */
export function sshdAnswers(address: string, port = 22, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    let seen = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('\n')) done(seen.startsWith('SSH-'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

/** Polls until sshd answers (the guest has booted far enough), or the time is up (false). */
export async function waitForSshd(address: string, port = 22, timeoutMs = 90_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await sshdAnswers(address, port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
