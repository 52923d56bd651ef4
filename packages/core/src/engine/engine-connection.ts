import { X509Certificate } from 'node:crypto';
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, connect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { EngineTls } from './engine-tls.js';

/**
 * Mutual TLS to a machine's engine, whose certificate is checked against the machine's CA alone.
 *
 * Why not Node's own check: given a `ca`, OpenSSL first fills the context's store with Node's
 * 140-odd bundled root certificates, parsing them once per process (21 ms, most of what `env`
 * costs over `ip` when NODE_EXTRA_CA_CERTS is not set), though none of them may vouch for an
 * engine. So the secure context gets no CA, and {@link EngineIdentity.rejection} checks the
 * certificate after the handshake, before a byte of the request is written: issued and signed by
 * the CA, both within their dates, made for a TLS server (extended key usage) and for the address
 * dialled (Node's checkServerIdentity, as a verifying connection would). The handshake itself
 * proves that the engine holds the certificate's key, whatever the chain's verdict. Engines set up
 * by docker-machine or Berth present their certificate alone, signed by the CA itself.
 */

/** The extended key usages a TLS server certificate may carry: serverAuth, or any. */
const SERVER_USAGES = ['1.3.6.1.5.5.7.3.1', '2.5.29.37.0'];

/** Why the engine's certificate was refused; `code` is stable, the message says it as Go's x509 did. */
export class EngineCertificateRejected extends Error {
  constructor(
    readonly code: 'UNKNOWN_AUTHORITY' | 'OUTSIDE_VALIDITY' | 'INCOMPATIBLE_USAGE' | 'WRONG_HOST' | 'NO_CERTIFICATE',
    message: string,
  ) {
    super(message);
    this.name = 'EngineCertificateRejected';
  }
}

/** A client identity (certificate and key) and the CA its engines' certificates must come from. */
export class EngineIdentity {
  readonly secureContext: SecureContext;
  private readonly authorities: X509Certificate[];

  constructor(tls: EngineTls) {
    this.secureContext = createSecureContext({ ca: [], cert: tls.cert, key: tls.key });
    this.authorities = pemBlocks(String(tls.ca)).map((pem) => new X509Certificate(pem));
    if (this.authorities.length === 0) throw new Error('the CA file holds no PEM certificate');
  }

  /** Why the engine on `socket` (its handshake done) is not to be trusted at `host`; undefined when it is. */
  rejection(socket: TLSSocket, host: string, now = Date.now()): EngineCertificateRejected | undefined {
    // From getPeerCertificate's DER: in Node 20, after one getPeerX509Certificate() call both
    // methods find no certificate any more.
    const peer = socket.getPeerCertificate();
    if (peer?.raw === undefined) {
      return new EngineCertificateRejected('NO_CERTIFICATE', 'the engine sent no certificate');
    }
    const leaf = new X509Certificate(peer.raw);
    const authority = this.authorities.find((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    if (authority === undefined) {
      return new EngineCertificateRejected('UNKNOWN_AUTHORITY', 'x509: certificate signed by unknown authority');
    }
    if (!withinValidity(leaf, now) || !withinValidity(authority, now)) {
      return new EngineCertificateRejected('OUTSIDE_VALIDITY', 'x509: certificate has expired or is not yet valid');
    }
    const usages = leaf.keyUsage;
    if (usages !== undefined && !usages.some((usage) => SERVER_USAGES.includes(usage))) {
      return new EngineCertificateRejected(
        'INCOMPATIBLE_USAGE',
        'x509: certificate specifies an incompatible key usage',
      );
    }
    const wrongHost = checkServerIdentity(host, peer);
    return wrongHost === undefined ? undefined : new EngineCertificateRejected('WRONG_HOST', wrongHost.message);
  }
}

export interface EngineDial {
  host: string;
  port: number;
}

/**
 * Connects to the engine at `dial`. What is written to the socket waits in its buffer (corked)
 * until the handshake is done and the engine's certificate passed; a refused one destroys the
 * socket with an EngineCertificateRejected error. Listeners of 'secureConnect' added later run
 * after the check (see `destroyed`).
 */
export function connectEngine(identity: EngineIdentity, dial: EngineDial): TLSSocket {
  const socket = connect({
    host: dial.host,
    port: dial.port,
    secureContext: identity.secureContext,
    // Checked below, by rejection(): this only keeps Node from failing on the empty CA store.
    rejectUnauthorized: false,
    ...(isIP(dial.host) === 0 ? { servername: dial.host } : {}),
  });
  socket.cork();
  socket.once('secureConnect', () => {
    const rejection = identity.rejection(socket, dial.host);
    if (rejection === undefined) socket.uncork();
    else socket.destroy(rejection);
  });
  return socket;
}

/**
 * An https agent whose connections are {@link connectEngine}'s: a request's bytes leave only once
 * the engine's certificate passed. Keep-alive and maxSockets work as with any agent. A function
 * rather than a subclass: `extends Agent` at module load would load https and tls (4 ms) in
 * every command, also those that open no connection.
 */
export function engineAgent(identity: EngineIdentity, options: AgentOptions = {}): Agent {
  const agent = new Agent(options);
  agent.createConnection = (connection: RequestOptions): Duplex => {
    const host = String(connection.host ?? connection.hostname ?? 'localhost');
    return connectEngine(identity, { host, port: Number(connection.port ?? 443) });
  };
  return agent;
}

function withinValidity(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
