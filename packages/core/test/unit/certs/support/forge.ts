import forge from 'node-forge';

/** node-forge's own chain check: the CA's key verifies the signature and its subject is the issuer. */
export function forgeVerifies(caPem: string, certPem: string): boolean {
  const ca = forge.pki.certificateFromPem(caPem);
  const cert = forge.pki.certificateFromPem(certPem);
  try {
    return ca.verify(cert);
  } catch {
    // node-forge throws when the names do not chain.
    return false;
  }
}

/** Raw DER of the issuer Name of `certPem` and of the subject Name of `caPem` (Go compares these bytes). */
export function rawNames(caPem: string, certPem: string): { caSubject: string; certIssuer: string } {
  const tbsFields = (pem: string) => {
    const der = forge.pem.decode(pem)[0]?.body ?? '';
    const tbs = (forge.asn1.fromDer(der).value as forge.asn1.Asn1[])[0];
    return (tbs?.value ?? []) as forge.asn1.Asn1[];
  };
  const nameDer = (node: forge.asn1.Asn1 | undefined) =>
    node === undefined ? '' : forge.util.bytesToHex(forge.asn1.toDer(node).getBytes());
  // With the explicit version field first: 3 = issuer, 5 = subject.
  return { caSubject: nameDer(tbsFields(caPem)[5]), certIssuer: nameDer(tbsFields(certPem)[3]) };
}
