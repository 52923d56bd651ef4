import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, mustRun, runCommand } from '../engine/run-command.js';

/** Debian packages the real credential helper needs: docker-credential-pass, pass, gpg. */
export const PASS_HELPER_PACKAGES = ['golang-docker-credential-helpers', 'pass', 'gnupg'] as const;

/**
 * A throwaway password store behind the real `docker-credential-pass`: its own GNUPGHOME with a
 * passphrase-less key made for it, `pass init` in its own PASSWORD_STORE_DIR, and a DOCKER_CONFIG
 * whose config.json says `"credsStore": "pass"`. Nothing of the user's keyring or ~/.docker is
 * touched. {@link close} stops the gpg-agent it started and deletes everything.
 */
export class PassCredentialStore {
  private constructor(
    /** Root of everything it made. */
    readonly dir: string,
    /** GNUPGHOME, PASSWORD_STORE_DIR and DOCKER_CONFIG, for berth and for the helper. */
    readonly env: Record<string, string>,
    readonly keyFingerprint: string,
  ) {}

  /** Fails (never skips) when the helper or its tools are missing: see {@link PASS_HELPER_PACKAGES}. */
  static async create(): Promise<PassCredentialStore> {
    for (const tool of ['docker-credential-pass', 'pass', 'gpg', 'gpgconf']) {
      const found = await runCommand('sh', ['-c', `command -v ${tool}`]);
      if (found.code !== 0) {
        throw new Error(
          `${tool} is not installed: apt-get install --no-install-recommends ${PASS_HELPER_PACKAGES.join(' ')}`,
        );
      }
    }
    // Short: gpg-agent's socket lives in GNUPGHOME, and socket paths are limited to ~100 bytes.
    const dir = await mkdtemp(join(tmpdir(), 'bpass-'));
    const env = {
      GNUPGHOME: join(dir, 'g'),
      PASSWORD_STORE_DIR: join(dir, 'p'),
      DOCKER_CONFIG: join(dir, 'd'),
    };
    await mkdir(env.GNUPGHOME, { mode: 0o700 });
    await mkdir(env.DOCKER_CONFIG, { mode: 0o700 });
    try {
      const run = { env: { ...process.env, ...env }, timeoutMs: 60_000 };
      await mustRun(
        'gpg',
        [
          '--batch',
          '--passphrase',
          '',
          '--quick-gen-key',
          'Berth test <berth-test@example.invalid>',
          'default',
          'default',
          'never',
        ],
        run,
      );
      const listing = await mustRun('gpg', ['--batch', '--list-keys', '--with-colons'], run);
      const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
      if (fingerprint === undefined) throw new Error(`gpg made no key:\n${listing}`);
      await mustRun('pass', ['init', fingerprint], run);
      const store = new PassCredentialStore(dir, env, fingerprint);
      await store.useAsCredsStore(true);
      return store;
    } catch (error) {
      await removeAll(dir, env);
      throw error;
    }
  }

  /** Writes DOCKER_CONFIG/config.json with `credsStore: pass` (true) or without any helper (false). */
  async useAsCredsStore(on: boolean): Promise<void> {
    const config = on ? { auths: {}, credsStore: 'pass' } : { auths: {} };
    await writeFile(join(this.env.DOCKER_CONFIG as string, 'config.json'), JSON.stringify(config, null, '\t'));
  }

  /** Runs `docker-credential-pass <operation>` with `input` on stdin, in this store. */
  helper(operation: 'store' | 'get' | 'erase' | 'list', input = ''): Promise<CommandResult> {
    return runCommand('docker-credential-pass', [operation], {
      env: { ...process.env, ...this.env },
      input,
      timeoutMs: 60_000,
    });
  }

  /** What `docker-credential-pass list` shows: server URL → user name. */
  async list(): Promise<Record<string, string>> {
    const result = await this.helper('list');
    if (result.code !== 0)
      throw new Error(`docker-credential-pass list exited ${result.code}: ${result.stdout}${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, string>;
  }

  /** The secret `docker-credential-pass get` gives for `serverUrl` ('' when it has none). */
  async secretOf(serverUrl: string): Promise<string> {
    const result = await this.helper('get', serverUrl);
    if (result.code !== 0) return '';
    return (JSON.parse(result.stdout) as { Secret?: string }).Secret ?? '';
  }

  close(): Promise<void> {
    return removeAll(this.dir, this.env);
  }
}

/** Stops the gpg-agent of that GNUPGHOME (gpg started it) and deletes the directory. */
async function removeAll(dir: string, env: Record<string, string>): Promise<void> {
  await runCommand('gpgconf', ['--kill', 'all'], { env: { ...process.env, ...env }, timeoutMs: 10_000 }).catch(
    () => undefined,
  );
  await rm(dir, { recursive: true, force: true });
}
