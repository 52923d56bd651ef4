import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, tryDocker } from '../engine/docker.js';
import { ensureEngine } from '../engine/ensure-engine.js';
import { SYSTEMD_CONTAINER_FLAGS } from '../hosts/container-flags.js';
import { addressTaken, containerAddress, ensureNetwork, freeAddress, type TestNetwork } from '../hosts/network.js';
import { type HostVariant, TestHost } from '../hosts/test-host.js';
import { ensureImages, type TestImages } from '../images/ensure-images.js';
import { type InstallScriptServer, startInstallScriptServer } from '../install-script/install-script-server.js';
import { generateKeyPair, type KeyPair } from '../ssh/key-pair.js';
import { LABEL_KIT, LABEL_OWNER, LABEL_RUN } from './labels.js';
import { processIdentity } from './process-identity.js';
import { reapOrphans, reapRun } from './reap.js';
import { type Reaper, startReaper } from './reaper.js';

export interface StartHostOptions {
  variant?: HostVariant;
  /** Extra public keys for authorized_keys (e.g. a key a cloud simulator was given). */
  authorizedKeys?: string[];
}

/**
 * One test's (or one file's) world: an engine, the images, an install-script server, and the
 * hosts it starts. `clean()` removes them; if the process dies first, its reaper does.
 */
export class TestSession {
  private readonly hosts: TestHost[] = [];
  private counter = 0;

  private constructor(
    readonly runId: string,
    readonly images: TestImages,
    readonly network: TestNetwork,
    readonly keyPair: KeyPair,
    readonly workDir: string,
    private readonly installServer: InstallScriptServer,
    private readonly reaper: Reaper,
  ) {}

  static async create(log?: (line: string) => void): Promise<TestSession> {
    await ensureEngine(log);
    await reapOrphans();
    const images = await ensureImages(log);
    const network = await ensureNetwork();
    const runId = randomBytes(4).toString('hex');
    const reaper = startReaper(runId, processIdentity());
    const workDir = await mkdtemp(join(tmpdir(), `berth-testkit-${runId}-`));
    const keyPair = generateKeyPair(`berth-test-kit-${runId}`);
    await writeFile(join(workDir, 'id_rsa'), keyPair.privateKey, { mode: 0o600 });
    await writeFile(join(workDir, 'id_rsa.pub'), `${keyPair.publicKey}\n`, { mode: 0o644 });
    const installServer = await startInstallScriptServer(network.gateway);
    return new TestSession(runId, images, network, keyPair, workDir, installServer, reaper);
  }

  /** URL for `--engine-install-url`. */
  get installScriptUrl(): string {
    return this.installServer.url;
  }

  installScriptFetches(): number {
    return this.installServer.fetches();
  }

  /** Label filter that matches everything this session made. */
  get labelFilter(): string {
    return `label=${LABEL_RUN}=${this.runId}`;
  }

  async startHosts(count: number, options: StartHostOptions = {}): Promise<TestHost[]> {
    return Promise.all(Array.from({ length: count }, () => this.startHost(options)));
  }

  async startHost(options: StartHostOptions = {}): Promise<TestHost> {
    const variant = options.variant ?? 'base';
    this.counter += 1;
    const name = `berth-th-${this.runId}-${this.counter}`;
    const labels = ['--label', `${LABEL_KIT}=1`, '--label', `${LABEL_RUN}=${this.runId}`];
    labels.push('--label', `${LABEL_OWNER}=${processIdentity()}`);
    const volume = `${name}-docker`;
    await docker(['volume', 'create', ...labels, volume]);
    await this.runContainer(name, labels, volume, variant);
    const keys = [this.keyPair.publicKey, ...(options.authorizedKeys ?? [])].join('\n');
    await docker(
      [
        'exec',
        '-i',
        name,
        'sh',
        '-c',
        'cat > /root/.ssh/authorized_keys && cp /root/.ssh/authorized_keys /home/berth/.ssh/authorized_keys && ' +
          'chown berth:berth /home/berth/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys /home/berth/.ssh/authorized_keys',
      ],
      { input: `${keys}\n` },
    );
    const address = await containerAddress(name);
    const host = new TestHost(
      name,
      variant,
      address,
      this.keyPair.privateKey,
      join(this.workDir, 'id_rsa'),
      this.keyPair.publicKey,
    );
    this.hosts.push(host);
    await host.waitForSsh();
    return host;
  }

  /** Starts the container on a fixed address of its own (kept across reboots, as a static IP is). */
  private async runContainer(name: string, labels: string[], volume: string, variant: HostVariant): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const address = await freeAddress(this.network);
      const result = await tryDocker([
        'run',
        '--detach',
        '--name',
        name,
        '--hostname',
        name,
        '--network',
        this.network.name,
        '--ip',
        address,
        ...labels,
        ...SYSTEMD_CONTAINER_FLAGS,
        // A Docker engine inside needs a real (non-overlay) filesystem under it.
        '-v',
        `${volume}:/var/lib/docker`,
        this.images[variant],
      ]);
      if (result.code === 0) return;
      await tryDocker(['rm', '-f', name]);
      if (!addressTaken(result.stderr) || attempt >= 5) {
        throw new Error(`docker run ${name} failed: ${result.stderr.trim()}`);
      }
    }
  }

  /** Removes every host and volume of this session, the server, the reaper and the work dir. */
  async clean(): Promise<void> {
    await this.installServer.close();
    await reapRun(this.runId);
    this.reaper.stop();
    await rm(this.workDir, { recursive: true, force: true });
  }
}
