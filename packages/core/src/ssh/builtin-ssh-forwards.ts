import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { Channel, Client, ClientChannel } from 'ssh2';
import { describeForwardEnd, type ForwardEnd, type ForwardSpec } from './ssh-forward-spec.js';

export type ForwardLog = (level: 'error' | 'info', line: string) => void;

/** Joins a local socket and an SSH channel both ways; either side ending ends the other. */
function join(socket: Socket, channel: Channel | ClientChannel): void {
  socket.pipe(channel).pipe(socket);
  socket.on('error', () => channel.close());
  channel.on('error', () => socket.destroy());
  channel.on('close', () => socket.destroy());
  socket.on('close', () => channel.close());
}

/** Where OpenSSH binds a local forward: loopback unless GatewayPorts, `*` or an empty host mean every address. */
function localBindHosts(host: string | undefined, gatewayPorts: boolean): string[] {
  if (host === undefined || host === 'localhost') return gatewayPorts ? ['::', '0.0.0.0'] : ['127.0.0.1', '::1'];
  if (host === '' || host === '*') return ['::', '0.0.0.0'];
  return [host];
}

function listen(server: Server, options: { host: string; port: number } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * `-L`: listens here; each connection becomes a direct-tcpip (or streamlocal) channel the machine
 * opens to the target. Binds what it can of the addresses (loopback: 127.0.0.1 and ::1, as
 * OpenSSH) and fails only when it bound none.
 */
export async function startLocalForward(
  client: Client,
  spec: ForwardSpec,
  gatewayPorts: boolean,
  log: ForwardLog,
): Promise<Server[]> {
  const target = spec.connect as ForwardEnd;
  const onConnection = (socket: Socket) => {
    socket.pause();
    const opened = (error: Error | undefined, channel: ClientChannel) => {
      if (error) {
        log('error', `channel open failed for ${describeForwardEnd(target)}: ${error.message}`);
        socket.destroy();
        return;
      }
      join(socket, channel);
      socket.resume();
    };
    if (target.kind === 'socket') client.openssh_forwardOutStreamLocal(target.path, opened);
    else
      client.forwardOut(
        socket.remoteAddress ?? '127.0.0.1',
        socket.remotePort ?? 0,
        target.host as string,
        target.port,
        opened,
      );
  };
  const binds =
    spec.listen.kind === 'socket'
      ? [{ path: spec.listen.path }]
      : localBindHosts(spec.listen.host, gatewayPorts).map((host) => ({
          host,
          port: (spec.listen as { port: number }).port,
        }));
  const servers: Server[] = [];
  let lastError: Error | undefined;
  for (const bind of binds) {
    const server = createServer(onConnection);
    try {
      await listen(server, bind);
      servers.push(server);
      // `::` already took IPv4 too (dual stack); `0.0.0.0` is only the fallback without IPv6.
      if ('host' in bind && bind.host === '::') break;
    } catch (error) {
      lastError = error as Error;
    }
  }
  if (servers.length === 0) throw lastError ?? new Error('nothing to listen on');
  return servers;
}

/** OpenSSH's bind address for a remote forward: localhost unless `*` or empty ask for every address. */
function remoteBindHost(host: string | undefined): string {
  if (host === undefined) return 'localhost';
  return host === '*' ? '' : host;
}

/** Connects a forwarded connection to its local target (`-R ...:host:port` or a socket). */
function connectLocal(target: ForwardEnd, accept: () => Channel, reject: () => void, log: ForwardLog): void {
  const socket =
    target.kind === 'socket' ? netConnect(target.path) : netConnect(target.port, target.host ?? 'localhost');
  socket.once('connect', () => join(socket, accept()));
  socket.once('error', (error) => {
    if (socket.connecting) {
      log('error', `connect to ${describeForwardEnd(target)} failed: ${error.message}`);
      reject();
    }
  });
}

/**
 * The remote forwards of one connection: asks the machine's sshd to listen (`tcpip-forward`, or
 * `streamlocal-forward@openssh.com` for a socket) and connects each connection it hands back to
 * the local target.
 */
export class RemoteForwards {
  private readonly tcp = new Map<string, ForwardEnd>();
  private readonly sockets = new Map<string, ForwardEnd>();

  constructor(
    private readonly client: Client,
    private readonly log: ForwardLog,
  ) {
    client.on('tcp connection', (info, accept, reject) => {
      const target = this.tcp.get(`${info.destIP}:${info.destPort}`);
      if (target) connectLocal(target, accept, reject, log);
      else reject();
    });
    client.on('unix connection', (info, accept, reject) => {
      const target = this.sockets.get(info.socketPath);
      if (target) connectLocal(target, accept, reject, log);
      else reject();
    });
  }

  /** Resolves once the machine listens; rejects with sshd's refusal. */
  start(spec: ForwardSpec): Promise<void> {
    const target = spec.connect as ForwardEnd;
    const listen = spec.listen;
    return new Promise((resolve, reject) => {
      if (listen.kind === 'socket') {
        this.client.openssh_forwardInStreamLocal(listen.path, (error) => {
          if (error) return reject(error);
          this.sockets.set(listen.path, target);
          resolve();
        });
        return;
      }
      const bind = remoteBindHost(listen.host);
      this.client.forwardIn(bind, listen.port, (error, port) => {
        if (error) return reject(error);
        this.tcp.set(`${bind}:${port}`, target);
        if (listen.port === 0)
          this.log('info', `Allocated port ${port} for remote forward to ${describeForwardEnd(target)}`);
        resolve();
      });
    });
  }
}
