import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

// Plain node:crypto: these run on every `env`/`config`, which must not load node-forge.

/** Whether the certificate names `host` (an IP, possibly in [brackets], or a DNS name) in its SANs. */
export function serverCertCoversHost(certPem: string, host: string): boolean {
  const cert = new X509Certificate(certPem);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return cert.checkIP(bare) !== undefined;
  return cert.checkHost(bare, { subject: 'never' }) !== undefined;
}

export interface SubjectAltNames {
  dns: string[];
  ips: string[];
}

/** The DNS and IP SANs of a certificate, in order. */
export function subjectAltNames(certPem: string): SubjectAltNames {
  const names: SubjectAltNames = { dns: [], ips: [] };
  const text = new X509Certificate(certPem).subjectAltName ?? '';
  for (const entry of text.split(', ')) {
    if (entry.startsWith('DNS:')) names.dns.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) names.ips.push(entry.slice(11));
  }
  return names;
}

/** Whether `keyPem` is the private key of the certificate. */
export function certMatchesKey(certPem: string, keyPem: string): boolean {
  return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
}

/** Whether `caCertPem` issued the certificate: names match and the signature verifies. */
export function certIssuedBy(certPem: string, caCertPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caCertPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** End of the validity period. */
export function certNotAfter(certPem: string): Date {
  return new Date(new X509Certificate(certPem).validTo);
}

/** Start of the validity period. */
export function certNotBefore(certPem: string): Date {
  return new Date(new X509Certificate(certPem).validFrom);
}

/** Whether `now` is past the certificate's notAfter. */
export function certIsExpired(certPem: string, now: Date = new Date()): boolean {
  return now.getTime() > certNotAfter(certPem).getTime();
}
