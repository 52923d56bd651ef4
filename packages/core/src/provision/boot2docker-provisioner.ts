import { readFile } from 'node:fs/promises';
import { shellQuote } from '@berth/driver-sdk/ssh';
import { defaultCertOrg, serverCertOrg } from '../certs/cert-org.js';
import { copyCertsToMachineDir, writeServerCert } from '../certs/machine-certs.js';
import { generateServerCert, type ServerCertificate, serverCertHosts } from '../certs/server-cert.js';
import { parseEngineUrl } from '../engine/engine-tls.js';
import { waitForEngine } from '../engine/wait-for-engine.js';
import { ProvisionFailedError } from '../errors/provision-errors.js';
import {
  BOOT2DOCKER_CERT_PATHS,
  BOOT2DOCKER_DIR,
  BOOT2DOCKER_PROFILE_PATH,
  renderBoot2DockerProfile,
} from './boot2docker-profile.js';
import type { ProvisionContext, ProvisionResult } from './provision-context.js';
import { remoteStep } from './remote-step.js';

const MINUTE = 60_000;
/** boot2docker's own service control: a SysV-style script, no systemd. */
const INIT_SCRIPT = '/etc/init.d/docker';
/** Where boot2docker's init script sends dockerd's output. */
const DOCKER_LOG = '/var/log/docker.log';

/**
 * The boot2docker provisioner: the engine comes with the OS, so nothing is installed. It names
 * the host, ships the certificates and the profile to /var/lib/boot2docker (the persistent
 * disk), and restarts dockerd through the init script. Every step is idempotent, so `provision`
 * and `regenerate-certs` run it again as it is.
 */
export async function provisionBoot2Docker(ctx: ProvisionContext, name: string): Promise<ProvisionResult> {
  const { ssh, machineName: machine } = ctx;
  const q = shellQuote;

  // sethostname names the running system; the copy on the data disk is what boot2docker sets at boot.
  await remoteStep(
    ssh,
    'setting the hostname',
    `/usr/bin/sethostname ${q(machine)} && mkdir -p ${BOOT2DOCKER_DIR}/etc && echo ${q(machine)} > ${BOOT2DOCKER_DIR}/etc/hostname`,
    { sudo: true, signal: ctx.signal },
  );

  // Let the daemon boot2docker starts at boot get going, so the restart below does not race its
  // start. One that never comes up is no error here: the restart starts it with our profile.
  await remoteStep(
    ssh,
    'waiting for the Docker daemon boot2docker started',
    `i=0; until ${INIT_SCRIPT} status >/dev/null 2>&1; do i=$((i+1)); [ "$i" -ge 30 ] && break; sleep 1; done`,
    { sudo: true, timeoutMs: 2 * MINUTE, signal: ctx.signal },
  );

  ctx.progress('Copying certs to the local machine directory...');
  const { caCertPem, server } = await issueServerCert(ctx);

  ctx.progress('Copying certs to the remote machine...');
  await remoteStep(ssh, 'creating the boot2docker directory', `mkdir -p ${BOOT2DOCKER_DIR}`, { sudo: true });
  await ssh.upload(BOOT2DOCKER_CERT_PATHS.ca, caCertPem, { sudo: true, mode: '0644' });
  await ssh.upload(BOOT2DOCKER_CERT_PATHS.cert, server.certPem, { sudo: true, mode: '0644' });
  await ssh.upload(BOOT2DOCKER_CERT_PATHS.key, server.keyPem, { sudo: true, mode: '0600' });

  ctx.progress('Setting Docker configuration on the remote daemon...');
  const profile = renderBoot2DockerProfile({
    enginePort: parseEngineUrl(ctx.engineUrl).port,
    driverName: ctx.driverName,
    engine: ctx.engine,
  });
  await ssh.upload(BOOT2DOCKER_PROFILE_PATH, profile, { sudo: true, mode: '0644' });
  await remoteStep(ssh, 'restarting the Docker daemon', `${INIT_SCRIPT} restart`, {
    sudo: true,
    timeoutMs: 3 * MINUTE,
    signal: ctx.signal,
  });

  const tls = {
    ca: caCertPem,
    cert: await readFile(ctx.auth.ClientCertPath, 'utf8'),
    key: await readFile(ctx.auth.ClientKeyPath, 'utf8'),
  };
  try {
    const { Version } = await waitForEngine(ctx.engineUrl, tls, 2 * MINUTE, ctx.signal);
    return { provisioner: name, engineVersion: Version, adopted: true };
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    const status = await ssh.run(`${INIT_SCRIPT} status 2>&1; tail -n 20 ${DOCKER_LOG} 2>&1`, { sudo: true });
    throw new ProvisionFailedError(
      'waiting for the Docker daemon',
      `${error instanceof Error ? error.message : String(error)}\n${status.stdout.trim()}`,
      [
        `Look at ${DOCKER_LOG} and ${BOOT2DOCKER_PROFILE_PATH} on the machine, then run \`berth provision NAME\` again.`,
      ],
      error,
    );
  }
}

/**
 * Copies the client side into the machine directory (as docker-machine does) and issues a new
 * server certificate for the machine's current address.
 */
async function issueServerCert(ctx: ProvisionContext): Promise<{ caCertPem: string; server: ServerCertificate }> {
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
    org: serverCertOrg(defaultCertOrg(), ctx.machineName),
    hosts: serverCertHosts({ ip: ctx.ip, machineName: ctx.machineName, tlsSans: auth.ServerCertSANs }),
  });
  await writeServerCert(auth.StorePath, server);
  return { caCertPem, server };
}
