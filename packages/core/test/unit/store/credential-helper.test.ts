import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassCredentialStore } from '../../../../test-kit/src/credentials/pass-store.js';
import {
  BERTH_CRED_HELPERS_KEY,
  CredentialHelper,
  configuredCredentialHelper,
  formatSecretReference,
  parseSecretReference,
  secretReferencesIn,
  secretServerUrl,
} from '../../../src/store/index.js';

// The real docker-credential-pass (Debian's golang-docker-credential-helpers), on a throwaway key.
let pass: PassCredentialStore;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  pass = await PassCredentialStore.create();
  env = { PATH: process.env.PATH, ...pass.env };
}, 60_000);

afterAll(async () => {
  await pass?.close();
});

describe('the credential helper client, against docker-credential-pass', () => {
  it('stores, reads, lists and erases an entry; pass itself shows the same', async () => {
    const helper = new CredentialHelper('pass', { env });
    const serverUrl = secretServerUrl('client-test', 'AccessToken');
    const secret = randomBytes(24).toString('hex');
    await helper.store({ serverUrl, username: 'AccessToken', secret });

    expect(await helper.get(serverUrl)).toEqual({ serverUrl, username: 'AccessToken', secret });
    expect(await pass.secretOf(serverUrl)).toBe(secret);
    expect(await helper.list()).toMatchObject({ [serverUrl]: 'AccessToken' });

    // A second store replaces the secret.
    const next = randomBytes(24).toString('hex');
    await helper.store({ serverUrl, username: 'AccessToken', secret: next });
    expect((await helper.get(serverUrl))?.secret).toBe(next);

    await helper.erase(serverUrl);
    expect(await helper.get(serverUrl)).toBeUndefined();
    expect(Object.keys(await pass.list())).not.toContain(serverUrl);
  });

  it('answers undefined for an unknown server URL, and erasing it again is no error', async () => {
    const helper = new CredentialHelper('pass', { env });
    const serverUrl = secretServerUrl('never-stored', 'AccessToken');
    expect(await helper.get(serverUrl)).toBeUndefined();
    // pass exits 1 here ("is not in the password store"): the client checks list before failing.
    expect((await pass.helper('erase', serverUrl)).code).toBe(1);
    await expect(helper.erase(serverUrl)).resolves.toBeUndefined();
  });

  it('names the executable when the helper is not installed', async () => {
    const helper = new CredentialHelper('berth-test-absent', { env });
    await expect(helper.get('berth://machines/x/y')).rejects.toMatchObject({
      code: 'CredentialHelperMissing',
      message: 'The Docker credential helper docker-credential-berth-test-absent is not on PATH',
    });
  });

  it('reports a helper that fails with its own words (pass without an initialised store)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'bpass-empty-'));
    try {
      const helper = new CredentialHelper('pass', { env: { ...env, PASSWORD_STORE_DIR: empty } });
      const failure = helper.store({
        serverUrl: 'berth://machines/x/Token',
        username: 'Token',
        secret: 's3cr3t-value',
      });
      await expect(failure).rejects.toMatchObject({ code: 'CredentialHelperFailed' });
      const error = (await failure.catch((caught: unknown) => caught)) as Error;
      expect(error.message).toContain('docker-credential-pass failed to store a secret');
      expect(error.message).not.toContain('s3cr3t-value');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('stops a helper that does not answer in time', async () => {
    // A real program that never answers: `sleep` under the helper's name, on a PATH of its own.
    const bin = await mkdtemp(join(tmpdir(), 'bslow-'));
    try {
      await writeFile(join(bin, 'docker-credential-slow'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
      const helper = new CredentialHelper('slow', { env: { PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 300 });
      await expect(helper.list()).rejects.toMatchObject({
        code: 'CredentialHelperFailed',
        message: expect.stringContaining('no answer within 0.3 s'),
      });
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});

describe('which helper keeps new secrets', () => {
  async function withConfig(config: unknown): Promise<string | undefined> {
    const dir = await mkdtemp(join(tmpdir(), 'bdockercfg-'));
    try {
      await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
      return await configuredCredentialHelper({ DOCKER_CONFIG: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('is credHelpers.berth, else credsStore, else none', async () => {
    expect(await withConfig({ credsStore: 'pass' })).toBe('pass');
    expect(await withConfig({ credsStore: 'pass', credHelpers: { [BERTH_CRED_HELPERS_KEY]: 'secretservice' } })).toBe(
      'secretservice',
    );
    // A registry's helper is not Berth's.
    expect(await withConfig({ credHelpers: { 'gcr.io': 'gcloud' } })).toBeUndefined();
    expect(await withConfig({ auths: {}, credsStore: '' })).toBeUndefined();
  });

  it('is none without a config.json, or without DOCKER_CONFIG and HOME', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bdockercfg-'));
    try {
      expect(await configuredCredentialHelper({ DOCKER_CONFIG: join(dir, 'absent') })).toBeUndefined();
      await mkdir(join(dir, 'home', '.docker'), { recursive: true });
      await writeFile(join(dir, 'home', '.docker', 'config.json'), '{"credsStore":"pass"}');
      expect(await configuredCredentialHelper({ HOME: join(dir, 'home') })).toBe('pass');
      expect(await configuredCredentialHelper({})).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a config.json that is not a JSON object, as the docker CLI does', async () => {
    await expect(withConfig('{"credsStore": ')).rejects.toMatchObject({ code: 'CredentialConfigInvalid' });
    await expect(withConfig('["pass"]')).rejects.toMatchObject({ code: 'CredentialConfigInvalid' });
  });
});

describe('secret references in config.json', () => {
  it('name the helper and the server URL, and nothing else parses as one', () => {
    const reference = { helper: 'pass', serverUrl: secretServerUrl('web', 'AccessToken') };
    const text = formatSecretReference(reference);
    expect(text).toBe('berth-credential:pass:berth://machines/web/AccessToken');
    expect(parseSecretReference(text)).toEqual(reference);
    for (const other of [
      'dop_v1_0123abcd',
      'berth-credential:',
      'berth-credential::x',
      'berth-credential:../x:y',
      42,
    ]) {
      expect(parseSecretReference(other)).toBeUndefined();
    }
    expect([...secretReferencesIn({ AccessToken: text, Region: 'nyc3', DropletID: 7 }).keys()]).toEqual([
      'AccessToken',
    ]);
  });
});
