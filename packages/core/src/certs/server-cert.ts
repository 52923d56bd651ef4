import { isIP } from 'node:net';
import { issueCertificate } from './issue-certificate.js';
import { generateRsaKeyPair } from './key-pair.js';

export interface ServerCertRequest {
  caCertPem: string;
  caKeyPem: string;
  /** Full subject O; docker-machine uses `<user>.<machine-name>` (see `serverCertOrg`). */
  org: string;
  /** SAN entries in order: IPs become IP SANs, everything else DNS SANs. Duplicates are dropped. */
  hosts: readonly string[];
  /** Also allow client auth, as docker-machine does for swarm masters. */
  alsoClientAuth?: boolean;
  now?: Date;
}

export interface ServerCertificate {
  certPem: string;
  /** PKCS#1 PEM. */
  keyPem: string;
}

/** A new key and a server certificate for it, signed by the CA. Always fresh, like docker-machine's provisioning. */
export async function generateServerCert(request: ServerCertRequest): Promise<ServerCertificate> {
  const key = await generateRsaKeyPair();
  const certPem = await issueCertificate({
    kind: 'server',
    org: request.org,
    publicKeyPem: key.publicKeyPem,
    signingKeyPem: request.caKeyPem,
    issuer: { certPem: request.caCertPem, keyPem: request.caKeyPem },
    hosts: normalizeHosts(request.hosts),
    alsoClientAuth: request.alsoClientAuth ?? false,
    ...(request.now ? { now: request.now } : {}),
  });
  return { certPem, keyPem: key.privateKeyPem };
}

export interface ServerCertHostsInput {
  /** The machine's IP (or host name) as the driver reports it. */
  ip: string;
  machineName?: string;
  /** `--tls-san` values (AuthOptions.ServerCertSANs). */
  tlsSans?: readonly string[] | null;
}

/**
 * SAN list for a machine: docker-machine's order (each `--tls-san`, the IP, `localhost`), then the
 * machine name, which Berth adds so the daemon can also be reached by name.
 */
export function serverCertHosts(input: ServerCertHostsInput): string[] {
  const hosts = [...(input.tlsSans ?? []), input.ip, 'localhost'];
  if (input.machineName !== undefined) hosts.push(input.machineName);
  return normalizeHosts(hosts);
}

function normalizeHosts(hosts: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of hosts) {
    const trimmed = raw.trim();
    const host = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
    const key = isIP(host) !== 0 ? host : host.toLowerCase();
    if (host === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(host);
  }
  return out;
}
