import { readFile } from 'node:fs/promises';
import { shellQuote } from '@berth/driver-sdk/ssh';
import { defaultCertOrg, serverCertOrg } from '../certs/cert-org.js';
import { copyCertsToMachineDir, writeServerCert } from '../certs/machine-certs.js';
import { generateServerCert, serverCertHosts } from '../certs/server-cert.js';
import { parseEngineUrl } from '../engine/engine-tls.js';
import { waitForEngine } from '../engine/wait-for-engine.js';
import { ProvisionFailedError } from '../errors/provision-errors.js';
import { DROP_IN_PATH, REMOTE_CERT_DIR, renderDaemonDropIn } from './daemon-drop-in.js';
import type { ProvisionContext, ProvisionResult } from './provision-context.js';
import { remoteStep } from './remote-step.js';

const MINUTE = 60_000;
// apt waits for a held lock itself instead of failing (apt >= 1.9.11; older apt ignores it).
const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q';

/**
 * The systemd Debian/Ubuntu provisioner. Every step is idempotent, so `provision` and
 * `regenerate-certs` simply run it again; all steps share the caller's one SSH connection.
 */
export async function provisionDebianFamily(ctx: ProvisionContext, name: string): Promise<ProvisionResult> {
  const { ssh, machineName: machine } = ctx;
  const q = shellQuote;

  // cloud-init may still be writing apt sources or installing packages on a fresh cloud host.
  await remoteStep(
    ssh,
    'waiting for cloud-init',
    'if command -v cloud-init >/dev/null 2>&1; then cloud-init status --wait >/dev/null 2>&1 || true; fi',
    { timeoutMs: 10 * MINUTE, signal: ctx.signal },
  );

  await remoteStep(
    ssh,
    'setting the hostname',
    `hostname ${q(machine)} && echo ${q(machine)} > /etc/hostname && ` +
      `if ! grep -qE '[[:space:]]${machine.replaceAll('.', '\\.')}([[:space:]]|$)' /etc/hosts; then ` +
      `if grep -q '^127\\.0\\.1\\.1' /etc/hosts; then sed -i 's/^127\\.0\\.1\\.1.*/127.0.1.1 ${machine}/' /etc/hosts; ` +
      `else echo '127.0.1.1 ${machine}' >> /etc/hosts; fi; fi`,
    { sudo: true, signal: ctx.signal },
  );

  const hasEngine =
    (await ssh.run('command -v dockerd || test -x /usr/sbin/dockerd || test -x /usr/bin/dockerd', { sudo: true }))
      .code === 0;
  if (hasEngine) {
    ctx.progress('Docker is already installed on the machine, adopting it...');
  } else {
    ctx.progress('Installing Docker...');
    // Only fetch curl when it is missing: a host may have no package mirror to reach.
    await remoteStep(
      ssh,
      'installing curl',
      `command -v curl >/dev/null || { ${APT} update && ${APT} install -y curl; }`,
      {
        sudo: true,
        timeoutMs: 15 * MINUTE,
        signal: ctx.signal,
      },
    );
    const url = ctx.engine.InstallURL || 'https://get.docker.com';
    await remoteStep(ssh, `installing Docker from ${url}`, `curl -fsSL ${q(url)} | sh -`, {
      timeoutMs: 20 * MINUTE,
      signal: ctx.signal,
      actions: [`Check that the host can reach ${url}, or pass another --engine-install-url.`],
    });
  }

  const dockerd = (
    await remoteStep(
      ssh,
      'locating dockerd',
      'command -v dockerd || { for p in /usr/bin/dockerd /usr/sbin/dockerd /usr/local/bin/dockerd; do [ -x "$p" ] && echo "$p" && break; done; }',
      { sudo: true },
    )
  ).trim();
  if (!dockerd) {
    throw new ProvisionFailedError('locating dockerd', 'no dockerd binary on the host after the engine install', [
      'Install Docker on the host by hand, then run `berth provision NAME`.',
    ]);
  }
  // docker.socket restarts the daemon with its stock configuration the moment anything touches
  // the socket; with the socket in use, the drop-in keeps `-H fd://` so that daemon is ours.
  const socketActivated =
    (await ssh.run('systemctl show -p LoadState --value docker.socket', { sudo: true })).stdout.trim() === 'loaded';

  ctx.progress('Copying certs to the local machine directory...');
  const auth = ctx.auth;
  await copyCertsToMachineDir(
    { caCert: auth.CaCertPath, clientCert: auth.ClientCertPath, clientKey: auth.ClientKeyPath },
    auth.StorePath,
  );
  const [caCertPem, caKeyPem] = await Promise.all([
    readFile(auth.CaCertPath, 'utf8'),
    readFile(auth.CaPrivateKeyPath, 'utf8'),
  ]);
  const server = await generateServerCert({
    caCertPem,
    caKeyPem,
    org: serverCertOrg(defaultCertOrg(), machine),
    hosts: serverCertHosts({ ip: ctx.ip, machineName: machine, tlsSans: auth.ServerCertSANs }),
  });
  await writeServerCert(auth.StorePath, server);

  ctx.progress('Copying certs to the remote machine...');
  await remoteStep(ssh, 'creating the certificate directory', `mkdir -p ${REMOTE_CERT_DIR}`, { sudo: true });
  await ssh.upload(`${REMOTE_CERT_DIR}/ca.pem`, caCertPem, { sudo: true, mode: '0644' });
  await ssh.upload(`${REMOTE_CERT_DIR}/server.pem`, server.certPem, { sudo: true, mode: '0644' });
  await ssh.upload(`${REMOTE_CERT_DIR}/server-key.pem`, server.keyPem, { sudo: true, mode: '0600' });

  ctx.progress('Setting Docker configuration on the remote daemon...');
  const { port } = parseEngineUrl(ctx.engineUrl);
  const dropIn = renderDaemonDropIn({
    dockerdPath: dockerd,
    enginePort: port,
    socketActivated,
    driverName: ctx.driverName,
    engine: ctx.engine,
  });
  await remoteStep(ssh, 'creating the drop-in directory', `mkdir -p ${q(DROP_IN_PATH.replace(/\/[^/]+$/, ''))}`, {
    sudo: true,
  });
  await ssh.upload(DROP_IN_PATH, dropIn, { sudo: true, mode: '0644' });
  // restart, not start: a socket-activated daemon may already run with the old configuration.
  await remoteStep(
    ssh,
    'restarting the Docker daemon',
    'systemctl daemon-reload && systemctl enable docker.service >/dev/null 2>&1; systemctl restart docker.service',
    { sudo: true, timeoutMs: 3 * MINUTE, signal: ctx.signal },
  );

  const tls = {
    ca: caCertPem,
    cert: await readFile(auth.ClientCertPath, 'utf8'),
    key: await readFile(auth.ClientKeyPath, 'utf8'),
  };
  let version: string;
  try {
    version = (await waitForEngine(ctx.engineUrl, tls, 2 * MINUTE, ctx.signal)).Version;
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    const status = await ssh.run('systemctl status docker.service --no-pager -n 15 2>&1 | tail -20', { sudo: true });
    throw new ProvisionFailedError(
      'waiting for the Docker daemon',
      `${error instanceof Error ? error.message : String(error)}\n${status.stdout.trim()}`,
      [],
      error,
    );
  }
  return { provisioner: name, engineVersion: version, adopted: hasEngine };
}
