import { issueCertificate } from '../../../../src/certs/issue-certificate.js';
import { generateRsaKeyPair } from '../../../../src/certs/key-pair.js';

export interface TestIdentity {
  certPem: string;
  keyPem: string;
}

export async function makeTestCa(org = 'tester', now?: Date): Promise<TestIdentity> {
  const key = await generateRsaKeyPair();
  const certPem = await issueCertificate({
    kind: 'ca',
    org,
    publicKeyPem: key.publicKeyPem,
    signingKeyPem: key.privateKeyPem,
    ...(now ? { now } : {}),
  });
  return { certPem, keyPem: key.privateKeyPem };
}

export async function makeClientCert(ca: TestIdentity, org = 'tester.<bootstrap>', now?: Date): Promise<TestIdentity> {
  const key = await generateRsaKeyPair();
  const certPem = await issueCertificate({
    kind: 'client',
    org,
    publicKeyPem: key.publicKeyPem,
    signingKeyPem: ca.keyPem,
    issuer: ca,
    ...(now ? { now } : {}),
  });
  return { certPem, keyPem: key.privateKeyPem };
}
