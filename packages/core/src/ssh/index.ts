export { fingerprint, knownHostsName, pinKey, readPinnedKey } from './known-hosts.js';
export { type CopyEndpoint, sftpCopy } from './sftp-copy.js';
export { shellQuote } from './shell-quote.js';
export {
  RemoteCommandError,
  type RunOptions,
  type RunResult,
  type SshConnectOptions,
  SshSession,
} from './ssh-session.js';
export { type WaitForSshOptions, waitForSsh } from './wait-for-ssh.js';
