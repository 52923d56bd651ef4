import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';

/** The TLS material a Docker daemon is started with (`--tlscacert`, `--tlscert`, `--tlskey`). */
export interface EngineTlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** What `GET /version` answers. */
export interface EngineVersionAnswer {
  Version: string;
  ApiVersion: string;
}

type Mode = { kind: 'down' } | { kind: 'tarpit' } | { kind: 'up'; https: HttpsServer };

/**
 * The Docker engine of a scripted host: a port on 127.0.0.1 held from the start (so a URL can name
 * it before the daemon runs) that drops connections while the daemon is down, accepts and never
 * answers as a tarpit, or, once up, speaks mutual TLS with the given certificates and answers
 * `GET /version` as dockerd does.
 */
export class ScriptedEngine {
  /** `GET /version` requests answered since the engine came up. */
  requests = 0;
  private mode: Mode = { kind: 'down' };
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => this.route(socket));
  }

  static async listen(): Promise<ScriptedEngine> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ScriptedEngine(server, (server.address() as AddressInfo).port);
  }

  /** The engine URL as a driver reports it. */
  get url(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.mode.kind === 'up';
  }

  /** Starts (or restarts) the daemon: it requires a client certificate signed by `tls.ca`. */
  up(tls: EngineTlsFiles, version: EngineVersionAnswer = { Version: '24.0.7', ApiVersion: '1.43' }): void {
    this.dropConnections();
    const https = createHttpsServer(
      { ca: [tls.ca], cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true },
      (request, response) => {
        if (request.method === 'GET' && request.url?.replace(/^\/v[\d.]+/, '') === '/version') {
          this.requests += 1;
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify(version));
          return;
        }
        response.statusCode = 404;
        response.end('{"message":"page not found"}');
      },
    );
    // A TLS failure (a client without a certificate) only ends that connection, as with dockerd.
    https.on('tlsClientError', () => undefined);
    this.mode = { kind: 'up', https };
  }

  /** Connections are accepted and never answered (a host whose engine hangs). */
  tarpit(): void {
    this.dropConnections();
    this.mode = { kind: 'tarpit' };
  }

  down(): void {
    this.dropConnections();
    this.mode = { kind: 'down' };
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (this.mode.kind === 'down') socket.destroy();
    else if (this.mode.kind === 'up') this.mode.https.emit('connection', socket);
  }

  private dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
