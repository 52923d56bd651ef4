import { BerthError } from '@berth/driver-protocol';

interface Endpoint {
  user: string;
  host: string;
  port: number;
}

const where = (e: Endpoint) => `${e.user}@${e.host}:${e.port}`;

/** The server refused our key for that user. */
export class SshAuthError extends BerthError {
  override readonly code = 'SshAuth' as const;

  constructor(endpoint: Endpoint, keyPath: string | undefined, cause?: unknown) {
    super(
      `SSH to ${where(endpoint)} was refused: the key ${keyPath ?? '(in memory)'} is not accepted for user "${endpoint.user}"`,
      {
        actions: [
          'Check the user name (e.g. --generic-ssh-user) and the key (e.g. --generic-ssh-key).',
          `Make sure the public key is in ~${endpoint.user}/.ssh/authorized_keys on the host.`,
        ],
        data: { ...endpoint, keyPath },
        cause,
      },
    );
  }
}

/** No SSH answer within the time allowed: the host is down, filtered, or still booting. */
export class SshTimeoutError extends BerthError {
  override readonly code = 'SshTimeout' as const;

  constructor(endpoint: Endpoint, timeoutMs: number, cause?: unknown) {
    super(`SSH to ${where(endpoint)} did not answer within ${Math.round(timeoutMs / 1000)} s`, {
      actions: ['Check the address and port, that the host is running, and that no firewall drops the traffic.'],
      data: { ...endpoint, timeoutMs },
      cause,
    });
  }
}

/** The connection failed outright: refused, unreachable, unknown host name. */
export class SshConnectError extends BerthError {
  override readonly code = 'SshConnect' as const;

  constructor(endpoint: Endpoint, reason: string, cause?: unknown) {
    super(`SSH to ${where(endpoint)} failed: ${reason}`, {
      actions: ['Check the address and port, and that sshd runs on the host.'],
      data: { ...endpoint, reason },
      cause,
    });
  }
}

/** The host presented a key other than the one pinned on first contact. */
export class SshHostKeyChangedError extends BerthError {
  override readonly code = 'SshHostKeyChanged' as const;

  constructor(endpoint: Endpoint, knownHostsFile: string, expected: string, received: string) {
    super(
      `The SSH host key of ${endpoint.host}:${endpoint.port} has changed (pinned ${expected}, now ${received}). ` +
        'Someone may be intercepting the connection, or the host was rebuilt.',
      {
        actions: [
          `If the host was rebuilt on purpose, remove the old key and connect again: ssh-keygen -R "[${endpoint.host}]:${endpoint.port}" -f "${knownHostsFile}"`,
        ],
        data: { ...endpoint, knownHostsFile, expected, received },
      },
    );
  }
}

/** A remote command ran longer than its bound; Berth closed it rather than hang. */
export class SshCommandTimeoutError extends BerthError {
  override readonly code = 'Timeout' as const;

  constructor(endpoint: Endpoint, command: string, timeoutMs: number) {
    super(`The command "${command}" on ${endpoint.host} did not finish within ${Math.round(timeoutMs / 1000)} s`, {
      actions: ['Log in with `berth ssh` and look at what blocks it (e.g. a held apt lock or a hung service).'],
      data: { ...endpoint, command, timeoutMs },
    });
  }
}
