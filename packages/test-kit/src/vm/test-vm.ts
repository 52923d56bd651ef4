import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustRun } from '../engine/run-command.js';
import { ensureQemuImage, type QemuTestImage } from '../images/qemu-image.js';
import { ensureQemuPackages } from './qemu-packages.js';
import { QmpClient } from './qmp-client.js';

export interface PortForward {
  /** Port on 127.0.0.1 of this machine. */
  hostPort: number;
  guestPort: number;
}

export interface BootTestVmOptions {
  /** A NoCloud seed (ISO 9660 labelled `cidata`), attached as a read-only virtio disk. */
  seedIso: string;
  /** Host port forwarded to the guest's sshd; a free one when omitted. */
  sshPort?: number;
  /** More TCP forwards (the engine port, for instance). */
  forwards?: PortForward[];
  /** The disk to boot; the test kit's qemu Debian 12 image when omitted. */
  image?: QemuTestImage;
  memoryMiB?: number;
  cpus?: number;
}

// Runs qemu as a child of a shell that kills it once the shell's stdin (a pipe from this
// process) closes: when the test process dies, even by SIGKILL, qemu goes with it.
const OWNER_WATCH = `exec 3<&0
"$@" </dev/null &
qemu=$!
( read -r _ <&3; kill -TERM "$qemu" 2>/dev/null ) &
watch=$!
wait "$qemu"
status=$?
kill "$watch" 2>/dev/null
exit "$status"`;

/** A free TCP port on 127.0.0.1 (free now; qemu binds it a moment later). */
export async function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** One qemu guest under TCG, on a throw-away overlay of the cached base disk. */
export class TestVm {
  /** Resolves with qemu's exit status once it exited (for whatever reason). */
  readonly exited: Promise<number | null>;
  private exitStatus: number | null | undefined;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    /** Directory holding the overlay, the serial log, the QMP socket and qemu's pid file. */
    readonly dir: string,
    readonly sshPort: number,
    readonly startedAt: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = code ?? (signal ? 128 : null);
        resolve(this.exitStatus);
      });
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
  }

  get serialLog(): string {
    return join(this.dir, 'serial.log');
  }

  get qmpSocket(): string {
    return join(this.dir, 'qmp.sock');
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  /** What qemu printed on stderr (its own errors: a port in use, a bad drive). */
  get qemuErrors(): string {
    return this.stderr;
  }

  static async boot(options: BootTestVmOptions): Promise<TestVm> {
    await ensureQemuPackages();
    const image = options.image ?? (await ensureQemuImage());
    const sshPort = options.sshPort ?? (await freeLocalPort());
    const dir = await mkdtemp(join(tmpdir(), 'berth-testvm-'));
    const overlay = join(dir, 'overlay.qcow2');
    // The overlay takes every write, so the cached base disk stays as built.
    await mustRun('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', image.disk, overlay]);
    const forwards = [{ hostPort: sshPort, guestPort: 22 }, ...(options.forwards ?? [])]
      .map((f) => `hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`)
      .join(',');
    const args = [
      '-accel',
      'tcg',
      // RDRAND (in `max`) seeds the kernel's RNG before the second CPU starts. Without it the
      // RNG becomes ready ~20 s into boot, the kernel then patches its code live (a static key)
      // while both vCPUs run, and under TCG that soft-locks the guest for minutes now and then.
      '-cpu',
      'max',
      '-device',
      'virtio-rng-pci',
      '-m',
      String(options.memoryMiB ?? 1024),
      '-smp',
      String(options.cpus ?? 2),
      '-display',
      'none',
      '-monitor',
      'none',
      '-serial',
      `file:${join(dir, 'serial.log')}`,
      '-drive',
      `file=${overlay},if=virtio,format=qcow2`,
      '-drive',
      `file=${options.seedIso},if=virtio,format=raw,readonly=on`,
      // restrict=on: the guest reaches nothing but the forwards (no egress off this machine).
      '-netdev',
      `user,id=n0,restrict=on,${forwards}`,
      '-device',
      'virtio-net-pci,netdev=n0',
      '-qmp',
      `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
      '-pidfile',
      join(dir, 'qemu.pid'),
      '-kernel',
      image.kernel,
      '-initrd',
      image.initrd,
      '-append',
      image.append,
    ];
    const child = spawn('sh', ['-c', OWNER_WATCH, 'berth-testvm', 'qemu-system-x86_64', ...args], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const vm = new TestVm(child, dir, sshPort, Date.now());
    registerForExit(vm);
    try {
      await vm.waitForQmp();
    } catch (error) {
      await vm.dispose();
      throw error;
    }
    return vm;
  }

  /** Runs one QMP command on a fresh connection (qemu serves one QMP client at a time). */
  async qmp(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const client = await QmpClient.connect(this.qmpSocket);
    try {
      return await client.execute(command, args);
    } finally {
      client.close();
    }
  }

  /** ACPI power button, then waits for the guest to halt and qemu to exit; returns its status. */
  async powerDown(timeoutMs = 60_000): Promise<number | null> {
    await this.qmp('system_powerdown');
    return this.waitForExit(timeoutMs, 'power-down');
  }

  /** Ends qemu at once (QMP `quit`, SIGKILL if that fails). */
  async kill(): Promise<void> {
    if (!this.running) return;
    try {
      await this.qmp('quit');
      await this.waitForExit(10_000, 'quit');
    } catch {
      this.killNow();
      await this.exited;
    }
  }

  /** Kills qemu if it still runs and removes the overlay, socket and logs. */
  async dispose(): Promise<void> {
    await this.kill();
    unregisterForExit(this);
    this.child.stdin?.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** SIGKILL to qemu itself (its pid file) and to the watching shell; synchronous, for exit hooks. */
  killNow(): void {
    if (!this.running) return;
    const pid = this.qemuPidSync;
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    this.child.kill('SIGKILL');
  }

  private qemuPidSync: number | undefined;

  private async waitForQmp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`qemu exited ${this.exitStatus} at start: ${this.stderr.trim()}`);
      try {
        await this.qmp('query-status');
        this.qemuPidSync = Number((await readFile(join(this.dir, 'qemu.pid'), 'utf8')).trim()) || undefined;
        return;
      } catch (error) {
        last = error;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`qemu's QMP socket did not answer within ${timeoutMs} ms: ${String(last)} ${this.stderr.trim()}`);
  }

  private async waitForExit(timeoutMs: number, what: string): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`qemu did not exit within ${timeoutMs} ms of ${what}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Boots a test VM; call `dispose()` when done (tests: in afterAll). */
export function bootTestVm(options: BootTestVmOptions): Promise<TestVm> {
  return TestVm.boot(options);
}

// Belt and braces beside the owner-watching shell: a process that exits normally kills its VMs.
const live = new Set<TestVm>();
let exitHookInstalled = false;

function registerForExit(vm: TestVm): void {
  live.add(vm);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const each of live) each.killNow();
  });
}

function unregisterForExit(vm: TestVm): void {
  live.delete(vm);
}
