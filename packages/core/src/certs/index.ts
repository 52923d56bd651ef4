export {
  CaExpiredError,
  CaKeyMismatchError,
  CaKeyMissingError,
  CertificateInvalidError,
  ClientCertInvalidError,
  type ClientCertProblem,
  OrphanKeyError,
} from '../errors/cert-errors.js';
export {
  CERT_FILE_MODE,
  type CertBootstrapEvent,
  type CertBootstrapResult,
  type EnsureCertsOptions,
  ensureCaAndClientCert,
  KEY_FILE_MODE,
} from './ca-bootstrap.js';
export {
  certIsExpired,
  certIssuedBy,
  certMatchesKey,
  certNotAfter,
  certNotBefore,
  type SubjectAltNames,
  serverCertCoversHost,
  subjectAltNames,
} from './cert-checks.js';
export { clientCertOrg, defaultCertOrg, serverCertOrg } from './cert-org.js';
export { type CertPaths, certPathsIn, SERVER_CERT_FILE, SERVER_KEY_FILE } from './cert-paths.js';
export { type CertificateKind, type CertificateSpec, type Issuer, issueCertificate } from './issue-certificate.js';
export { generateRsaKeyPair, type RsaKeyPair } from './key-pair.js';
export { copyCertsToMachineDir, type ServerCertFiles, writeServerCert } from './machine-certs.js';
export {
  generateServerCert,
  type ServerCertHostsInput,
  type ServerCertificate,
  type ServerCertRequest,
  serverCertHosts,
} from './server-cert.js';
export { CERT_LIFETIME_DAYS, certValidity, type Validity } from './validity.js';
