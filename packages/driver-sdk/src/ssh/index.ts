// SSH for drivers and for berth itself (ssh2): one session per operation, the host key pinned in the
// machine's known_hosts on first contact, every command bounded. A subpath of its own, so a driver
// that never speaks SSH does not load it.
export { fingerprint, knownHostsName, pinKey, readPinnedKey } from './known-hosts.js';
export { shellQuote } from './shell-quote.js';
export {
  SshAuthError,
  SshCommandTimeoutError,
  SshConnectError,
  SshHostKeyChangedError,
  SshTimeoutError,
} from './ssh-errors.js';
export {
  RemoteCommandError,
  type RunOptions,
  type RunResult,
  type SshConnectOptions,
  SshSession,
} from './ssh-session.js';
export { type WaitForSshOptions, waitForSsh } from './wait-for-ssh.js';
