import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import type { asn1 as Asn1, pki as Pki } from 'node-forge';
import { type Forge, loadForge } from './forge-loader.js';
import { certValidity } from './validity.js';

export type CertificateKind = 'ca' | 'client' | 'server';

/** The CA that signs a leaf certificate. */
export interface Issuer {
  certPem: string;
  keyPem: string;
}

export interface CertificateSpec {
  kind: CertificateKind;
  /** Subject O, the only subject attribute docker-machine sets. */
  org: string;
  /** SPKI PEM of the key being certified. */
  publicKeyPem: string;
  /** Private key that signs: the certified key's own for a CA, the CA's for leaves. */
  signingKeyPem: string;
  /** Required for `client` and `server`. */
  issuer?: Issuer;
  /** Server only: IP or DNS names, in SAN order. */
  hosts?: readonly string[];
  /** Server only: also allow client auth (docker-machine does this for swarm masters). */
  alsoClientAuth?: boolean;
  now?: Date;
}

const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_SUBJECT_KEY_ID = '2.5.29.14';
// X.520 PrintableString alphabet; anything else is written as UTF8String, as Go does.
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * Builds and signs an X.509 v3 certificate with docker-machine's profile (key usages,
 * extended usages, validity and SANs as its certificates carry them). node-forge only assembles the ASN.1; signing uses node:crypto, and a
 * leaf's issuer name is the CA's subject copied byte for byte (Go matches issuers on raw bytes).
 */
export async function issueCertificate(spec: CertificateSpec): Promise<string> {
  const forge = await loadForge();
  const { pki, asn1 } = forge;
  const cert = pki.createCertificate();
  cert.version = 2;
  cert.serialNumber = randomSerialHex();
  cert.publicKey = pki.publicKeyFromPem(spec.publicKeyPem);
  const { notBefore, notAfter } = certValidity(spec.now);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [
    {
      name: 'organizationName',
      value: spec.org,
      // Typed as a Class in @types/node-forge, but node-forge reads it as the universal type.
      valueTagClass: (PRINTABLE.test(spec.org) ? asn1.Type.PRINTABLESTRING : asn1.Type.UTF8) as number as Asn1.Class,
    },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);

  let issuerName: Asn1.Asn1 | undefined;
  let authorityKeyId: string | undefined;
  if (spec.kind !== 'ca') {
    if (spec.issuer === undefined) throw new Error(`a ${spec.kind} certificate needs an issuer`);
    const issuer = readIssuer(forge, spec.issuer.certPem);
    issuerName = issuer.subject;
    authorityKeyId = issuer.keyId;
  }
  cert.setExtensions(extensionsFor(spec, authorityKeyId));

  cert.siginfo.algorithmOid = OID_SHA256_WITH_RSA;
  cert.signatureOid = OID_SHA256_WITH_RSA;
  const tbs = (pki as typeof pki & { getTBSCertificate(c: Pki.Certificate): Asn1.Asn1 }).getTBSCertificate(cert);
  if (issuerName !== undefined) (tbs.value as unknown[])[3] = issuerName;
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, createPrivateKey(spec.signingKeyPem));
  cert.tbsCertificate = tbs;
  cert.signature = signature.toString('binary');
  return pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

// Same order and criticality as Go's x509 package writes them.
function extensionsFor(spec: CertificateSpec, authorityKeyId: string | undefined): object[] {
  const extensions: object[] = [];
  if (spec.kind === 'ca') {
    extensions.push({
      name: 'keyUsage',
      critical: true,
      digitalSignature: true,
      keyEncipherment: true,
      keyAgreement: true,
      keyCertSign: true,
    });
  } else if (spec.kind === 'client') {
    extensions.push({ name: 'keyUsage', critical: true, digitalSignature: true });
    extensions.push({ name: 'extKeyUsage', clientAuth: true });
  } else {
    extensions.push({
      name: 'keyUsage',
      critical: true,
      digitalSignature: true,
      keyEncipherment: true,
      keyAgreement: true,
    });
    extensions.push({ name: 'extKeyUsage', serverAuth: true, ...(spec.alsoClientAuth ? { clientAuth: true } : {}) });
  }
  extensions.push({ name: 'basicConstraints', critical: true, cA: spec.kind === 'ca' });
  if (spec.kind === 'ca') extensions.push({ name: 'subjectKeyIdentifier' });
  else if (authorityKeyId !== undefined)
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId });
  if (spec.kind === 'server') extensions.push({ name: 'subjectAltName', altNames: altNames(spec.hosts ?? []) });
  return extensions;
}

function altNames(hosts: readonly string[]): object[] {
  return hosts.map((host) => (isIpLiteral(host) ? { type: 7, ip: host } : { type: 2, value: host }));
}

function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0;
}

// Random like Go's (< 2^128); the first byte is kept in 0x01..0x7f so the DER INTEGER is positive
// and minimal without a padding byte.
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

interface IssuerInfo {
  subject: Asn1.Asn1;
  /** Binary string: the CA's subjectKeyIdentifier, or the RFC 5280 SHA-1 of its public key. */
  keyId: string;
}

// Reads the issuer's raw subject Name and key id straight from its DER, whatever key type it holds.
function readIssuer(forge: Forge, certPem: string): IssuerInfo {
  const der = forge.pem.decode(certPem).find((block) => block.type === 'CERTIFICATE')?.body;
  if (der === undefined) throw new Error('no CERTIFICATE block in the CA certificate');
  const certificate = forge.asn1.fromDer(der);
  const tbs = children(certificate)[0];
  if (tbs === undefined) throw new Error('malformed CA certificate');
  const fields = children(tbs);
  const first = fields[0];
  const offset =
    first !== undefined && first.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && first.type === 0 ? 1 : 0;
  const subject = fields[offset + 4];
  const spki = fields[offset + 5];
  if (subject === undefined || spki === undefined) throw new Error('malformed CA certificate');

  let keyId: string | undefined;
  const extensionsField = fields.find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 3);
  for (const extension of extensionsField ? children(children(extensionsField)[0]) : []) {
    const [oid, ...rest] = children(extension);
    if (oid !== undefined && forge.asn1.derToOid(oid.value as string) === OID_SUBJECT_KEY_ID) {
      const wrapped = rest[rest.length - 1];
      if (wrapped !== undefined) keyId = forge.asn1.fromDer(wrapped.value as string).value as string;
    }
  }
  if (keyId === undefined) {
    const bitString = children(spki)[1]?.value;
    if (typeof bitString !== 'string') throw new Error('malformed CA public key');
    keyId = createHash('sha1')
      .update(Buffer.from(bitString.slice(1), 'binary'))
      .digest('binary');
  }
  return { subject, keyId };
}

function children(node: Asn1.Asn1 | undefined): Asn1.Asn1[] {
  return node !== undefined && Array.isArray(node.value) ? node.value : [];
}
