import type { EngineOptions } from '../store/host-config.js';

export const DROP_IN_PATH = '/etc/systemd/system/docker.service.d/10-machine.conf';
export const REMOTE_CERT_DIR = '/etc/docker';

export interface DaemonConfigInput {
  dockerdPath: string;
  enginePort: number;
  /** The unit is socket-activated (docker.socket): take the local socket from systemd. */
  socketActivated: boolean;
  driverName: string;
  engine: EngineOptions;
}

/** systemd's own quoting for one word of ExecStart= / Environment= (C-style escapes in quotes). */
function systemdQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

/**
 * The drop-in that points dockerd at TLS on the engine port. Unlike Docker Machine it uses the
 * real dockerd path and, on socket-activated units, keeps `-H fd://` so the daemon that systemd
 * starts through docker.socket is always the configured one.
 */
export function renderDaemonDropIn(input: DaemonConfigInput): string {
  const e = input.engine;
  const args = [
    input.dockerdPath,
    '-H',
    `tcp://0.0.0.0:${input.enginePort}`,
    '-H',
    input.socketActivated ? 'fd://' : 'unix:///var/run/docker.sock',
    '--storage-driver',
    e.StorageDriver || 'overlay2',
    '--tlsverify',
    '--tlscacert',
    `${REMOTE_CERT_DIR}/ca.pem`,
    '--tlscert',
    `${REMOTE_CERT_DIR}/server.pem`,
    '--tlskey',
    `${REMOTE_CERT_DIR}/server-key.pem`,
  ];
  for (const label of [...(e.Labels ?? []), `provider=${input.driverName}`]) args.push('--label', label);
  for (const registry of e.InsecureRegistry ?? []) args.push('--insecure-registry', registry);
  for (const mirror of e.RegistryMirror ?? []) args.push('--registry-mirror', mirror);
  if (e.LogLevel) args.push(`--log-level=${e.LogLevel}`);
  for (const opt of e.ArbitraryFlags ?? []) args.push(`--${opt}`);
  const lines = ['[Service]', 'ExecStart=', `ExecStart=${args.map(systemdQuote).join(' ')}`];
  const env = e.Env ?? [];
  if (env.length > 0) lines.push(`Environment=${env.map(systemdQuote).join(' ')}`);
  return `${lines.join('\n')}\n`;
}
