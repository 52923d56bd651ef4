import { type FlagValues, type ImageRequest, isBerthError } from '@berth/driver-protocol';
import { waitForSsh } from '@berth/driver-sdk/ssh';
import { type CertBootstrapEvent, ensureCaAndClientCert } from '../certs/ca-bootstrap.js';
import type { CertPaths } from '../certs/cert-paths.js';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import { MachineAlreadyExistsError } from '../errors/store-errors.js';
import { provisionMachine } from '../provision/provision-machine.js';
import { markCreateFailed } from '../store/failed-create.js';
import type { EngineOptions, HostConfig, SwarmOptions } from '../store/host-config.js';
import { loadMachine, type MachineRecord, machineExists } from '../store/load-machine.js';
import { validateMachineName } from '../store/machine-name.js';
import { newHostConfig } from '../store/new-host-config.js';
import { removeMachine } from '../store/remove-machine.js';
import { createMachineDir, saveMachine } from '../store/save-machine.js';
import type { BerthContext } from './berth-context.js';
import { keepDockerContext } from './docker-context.js';
import { machineParams } from './machine-params.js';
import { eraseMachineSecrets, keepMachineSecrets } from './machine-secrets.js';
import { sshTarget } from './ssh-target.js';
import { applySwarmMode, type SwarmModePlan } from './swarm-mode.js';
import { waitForState } from './wait-for-state.js';

export interface CreateMachineRequest {
  name: string;
  /** The driver to create it with; the host starts it (or has it running from `driverCreateFlags`). */
  driverName: string;
  /** Values for every create flag the driver declared (argv > env > default, resolved by the CLI). */
  driverFlags: FlagValues;
  engine: Partial<EngineOptions>;
  swarm: Partial<SwarmOptions>;
  /** `--swarm-mode`: swarm mode to start or join once the engine runs (see swarm-mode.ts). */
  swarmMode?: SwarmModePlan;
  tlsSans: string[];
  /** `--tls-ca-cert` and friends, when given. */
  certPaths?: Partial<CertPaths>;
  /** One line per step (stdout, in docker-machine's wording). */
  progress: (line: string) => void;
  /** The image download's progress text, pieces of a line on a TTY; by default, lines through `progress`. */
  imageProgress?: (text: string) => void;
  /** Whether progress goes to a terminal (the download shows docker-machine's percentage line). */
  isTty?: boolean;
  /** `--image-mirror`: where a local driver's image is fetched from instead of its URL. */
  imageMirror?: string;
  /** One-line notices for stderr: where the driver's secrets are kept (said once per store). */
  notice?: (line: string) => void;
  signal?: AbortSignal;
}

const MINUTE = 60_000;

/**
 * docker-machine's create sequence, with one deliberate change: a create that
 * fails after the machine was stored is rolled back (driver remove, local entry deleted), so no
 * half machine is left for the user to clean up.
 */
export async function createMachine(ctx: BerthContext, request: CreateMachineRequest): Promise<MachineRecord> {
  const { store } = ctx;
  const { name, progress, signal } = request;
  validateMachineName(name);
  if (await machineExists(store, name)) throw new MachineAlreadyExistsError(name);
  const driver = await ctx.drivers.get(request.driverName);

  const base = {
    IPAddress: '',
    MachineName: name,
    SSHUser: '',
    SSHPort: 0,
    SSHKeyPath: '',
    StorePath: store.root,
    SwarmMaster: false,
    SwarmHost: '',
    SwarmDiscovery: '',
  };
  const draft: HostConfig = newHostConfig({
    store,
    name,
    driverName: driver.name,
    driver: base,
    engineOptions: request.engine,
    swarmOptions: request.swarm,
    authOptions: { ServerCertSANs: request.tlsSans },
  });
  const auth = draft.HostOptions.AuthOptions;
  const record: MachineRecord = {
    name,
    dir: auth.StorePath,
    configPath: '',
    config: draft,
    sourceVersion: 3,
  };
  const configured = await inPhase('flags', () =>
    driver.setConfigFromFlags({ ...machineParams(store, record), flags: request.driverFlags }, { signal }),
  );
  record.config.Driver = configured.driverConfig;

  const certs = await inPhase('certs', () =>
    ensureCaAndClientCert(store.certsDir, {
      paths: request.certPaths,
      onProgress: (event) => progress(certProgressLine(event)),
    }),
  );
  auth.CaCertPath = certs.paths.caCert;
  auth.CaPrivateKeyPath = certs.paths.caKey;
  auth.ClientCertPath = certs.paths.clientCert;
  auth.ClientKeyPath = certs.paths.clientKey;

  progress('Running pre-create checks...');
  await inPhase('pre-create', () => driver.preCreateCheck(machineParams(store, record), { signal }));
  // A local driver's image, fetched where docker-machine fetched boot2docker: in the pre-create step.
  // Imported on first use: the download code (undici) is for local drivers' creates only.
  const image = configured.image
    ? await inPhase('pre-create', async () =>
        (await import('./machine-image.js')).fetchMachineImage(ctx, configured.image as ImageRequest, {
          machineName: name,
          progress: request.imageProgress ?? ((text) => progress(text.replace(/\n$/, ''))),
          ...(request.imageMirror ? { mirror: request.imageMirror } : {}),
          ...(request.isTty ? { isTty: true } : {}),
          ...(signal ? { signal } : {}),
        }),
      )
    : undefined;

  // From here on the machine exists; any failure rolls it back.
  await createMachineDir(store, name);
  try {
    await keepMachineSecrets(ctx, name, driver.name, request.notice);
    await saveMachine(store, record.config);
    progress('Creating machine...');
    const created = await inPhase('driver-create', () =>
      driver.create(
        { ...machineParams(store, record), ...(image ? { image } : {}) },
        { signal, timeoutMs: 20 * MINUTE },
      ),
    );
    record.config.Driver = created.driverConfig;
    await saveMachine(store, record.config);

    if (driver.description.capabilities.ssh !== false) {
      progress('Waiting for machine to be running, this may take a few minutes...');
      await inPhase('provision', () => waitForState(store, record, driver, 'Running', 5 * MINUTE, signal));
      progress('Detecting operating system of created instance...');
      progress('Waiting for SSH to be available...');
      await inPhase('provision', async () => {
        const target = await sshTarget(store, record, driver);
        // A new cloud machine may still be installing our key (cloud-init); an existing host
        // (no power control: generic) refuses a wrong key for good, so that fails at once.
        const retryAuth = driver.description.capabilities.powerControl === true;
        const ssh = await waitForSsh(target, { timeoutMs: 3 * MINUTE, retryAuth, signal });
        try {
          const params = machineParams(store, record);
          const [{ ip }, { url }] = await Promise.all([
            driver.getIp(params, { signal }),
            driver.getUrl(params, { signal }),
          ]);
          await provisionMachine({
            machineName: name,
            driverName: driver.name,
            ssh,
            engine: record.config.HostOptions.EngineOptions,
            auth,
            ip,
            engineUrl: url,
            progress,
            signal,
            announce: true,
          });
        } finally {
          ssh.close();
        }
      });
      progress('Checking connection to Docker...');
      progress('Docker is up and running!');
    }
    const swarmMode = request.swarmMode;
    if (swarmMode)
      await inPhase('provision', () => applySwarmMode(ctx, record, driver, swarmMode, { progress, signal }));
    await saveMachine(store, record.config);
    await keepDockerContext(ctx, record, driver, progress);
    return await loadMachine(store, name);
  } catch (error) {
    await rollBack(ctx, record, driver, error);
    throw error;
  }
}

/** Which part of create failed; the CLI words its error after it, as docker-machine did. */
export type CreatePhase = 'flags' | 'certs' | 'pre-create' | 'driver-create' | 'provision';

async function inPhase<T>(phase: CreatePhase, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isBerthError(error)) error.data.createPhase ??= phase;
    throw error;
  }
}

function certProgressLine(event: CertBootstrapEvent): string {
  switch (event.kind) {
    case 'creating-ca':
      return `Creating CA: ${event.path}`;
    case 'creating-client-cert':
      return `Creating client certificate: ${event.path}`;
    case 'renewing-client-cert':
      return 'Client certificate is outdated and needs to be regenerated';
  }
}

/**
 * Undoes a failed create; what could not be undone is added to the error's actions. The local entry
 * goes only once the driver removed the remote side: otherwise it stays, marked as a failed create
 * (`ls` shows it with its error), with the driver's journal, so `berth rm NAME` can finish the job.
 */
async function rollBack(ctx: BerthContext, record: MachineRecord, driver: RemoteDriver, error: unknown): Promise<void> {
  const notes: string[] = [];
  let remoteGone = true;
  try {
    // Asked of the host again: a driver that crashed during create is started afresh for this.
    const remover = await ctx.drivers.get(driver.name);
    await remover.remove(machineParams(ctx.store, record), { timeoutMs: 10 * MINUTE });
  } catch (removeError) {
    // A driver without a remove has nothing remote that Berth could remove later either.
    remoteGone = isBerthError(removeError) && removeError.code === 'NotSupported';
    if (!remoteGone) {
      const reason = removeError instanceof Error ? removeError.message : String(removeError);
      notes.push(`The ${driver.name} driver could not remove what it created for "${record.name}": ${reason}`);
      if (isBerthError(removeError)) notes.push(...removeError.actions);
    }
  }
  try {
    if (remoteGone) {
      await removeMachine(ctx.store, record.name);
      notes.push(`Berth removed the unfinished machine "${record.name}"; fix the cause and run create again.`);
      const secretError = await eraseMachineSecrets(ctx, record.name, record.config.Driver);
      if (isBerthError(secretError)) notes.push(secretError.message, ...secretError.actions);
    } else {
      await markCreateFailed(ctx.store, record.name, {
        error: (error instanceof Error ? error.message : String(error)).replace(/\n/g, ' '),
        code: isBerthError(error) ? error.code : 'Internal',
        at: new Date().toISOString(),
      });
      notes.push(
        `Berth kept the unfinished machine "${record.name}" (berth ls shows it) so that nothing is lost; run \`berth rm ${record.name}\` to remove what is left.`,
      );
    }
  } catch (storeError) {
    notes.push(`Remove the unfinished machine by hand: berth rm -f ${record.name} (${String(storeError)})`);
  }
  if (isBerthError(error)) error.actions.unshift(...notes);
}
