import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yamlQuoted } from '../../../src/seed/cloud-config-yaml.js';
import {
  buildNoCloudSeed,
  NOCLOUD_LABEL,
  type NoCloudSeedSpec,
  nocloudMetaData,
  nocloudUserData,
  writeNoCloudSeed,
} from '../../../src/seed/nocloud-seed.js';
import { SeedImageError } from '../../../src/seed/seed-errors.js';
import { blkidProbe, isoinfoExtract, isoinfoList, pyyamlLoad, xorrisoPaths } from './support/iso-tools.js';

const KEY = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 berth-machine web';
const SPEC: NoCloudSeedSpec = { instanceId: 'berth-web-1f2e3d', hostname: 'web', sshAuthorizedKeys: [KEY] };

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'berth-seed-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the NoCloud seed files, as PyYAML (cloud-init) reads them', () => {
  it('meta-data holds the instance id and local-hostname', async () => {
    expect(await pyyamlLoad(nocloudMetaData(SPEC))).toEqual({
      'instance-id': 'berth-web-1f2e3d',
      'local-hostname': 'web',
    });
  });

  it('user-data is a #cloud-config with the hostname, a docker user with sudo and the key, no passwords', async () => {
    const userData = nocloudUserData(SPEC);
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    expect(await pyyamlLoad(userData)).toEqual({
      hostname: 'web',
      manage_etc_hosts: true,
      ssh_pwauth: false,
      disable_root: true,
      users: [
        {
          name: 'docker',
          shell: '/bin/bash',
          sudo: 'ALL=(ALL) NOPASSWD:ALL',
          lock_passwd: true,
          ssh_authorized_keys: [KEY],
        },
      ],
    });
  });

  it('takes another user, several keys, and a dotted hostname', async () => {
    const second = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB "quoted" comment: #not-a-comment';
    const parsed = (await pyyamlLoad(
      nocloudUserData({ ...SPEC, hostname: 'web.example-1', user: 'berth_user', sshAuthorizedKeys: [KEY, second] }),
    )) as { hostname: string; users: { name: string; ssh_authorized_keys: string[] }[] };
    expect(parsed.hostname).toBe('web.example-1');
    expect(parsed.users.map((user) => user.name)).toEqual(['berth_user']);
    expect(parsed.users[0]?.ssh_authorized_keys).toEqual([KEY, second]);
  });

  it('lists packages for cloud-init to install, only when asked', async () => {
    const parsed = (await pyyamlLoad(
      nocloudUserData({ ...SPEC, packages: ['hyperv-daemons', 'linux-image-cloud-amd64'] }),
    )) as {
      packages?: string[];
    };
    expect(parsed.packages).toEqual(['hyperv-daemons', 'linux-image-cloud-amd64']);
    expect(Object.keys((await pyyamlLoad(nocloudUserData({ ...SPEC, packages: [] }))) as object)).not.toContain(
      'packages',
    );
  });

  it('quotes any string so that YAML 1.1 reads it back unchanged, and as a string', async () => {
    const values = [
      'yes',
      'no',
      'null',
      '~',
      '1e3',
      '0x10',
      '2024-05-17',
      ': colon',
      '- dash',
      '# hash',
      'a #b',
      "it's",
      'say "hi"',
      'back\\slash',
      'tab\tnew\nline\rcr',
      '\u0000\u0007\u001b\u007f',
      'caf\u00e9',
      'line\u2028sep\u0085nel',
      'emoji \u{1f600}',
      '{flow}',
      '[seq]',
      '&anchor *alias !tag %dir @at `tick`',
      '| >',
      '',
      ' leading and trailing ',
    ];
    const document = values.map((value) => `- ${yamlQuoted(value)}`).join('\n');
    expect(await pyyamlLoad(document)).toEqual(values);
  });

  it('refuses what cloud-init or the machine could not use', () => {
    expect(() => nocloudUserData({ ...SPEC, user: 'Docker' })).toThrow(SeedImageError);
    expect(() => nocloudUserData({ ...SPEC, user: 'bad user' })).toThrow(SeedImageError);
    expect(() => nocloudUserData({ ...SPEC, sshAuthorizedKeys: [] })).toThrow(/at least one SSH key/);
    expect(() => nocloudUserData({ ...SPEC, sshAuthorizedKeys: [`${KEY}\nssh-rsa AAAA other`] })).toThrow(
      SeedImageError,
    );
    expect(() => nocloudMetaData({ ...SPEC, hostname: 'web host' })).toThrow(SeedImageError);
    expect(() => nocloudMetaData({ ...SPEC, instanceId: ' ' })).toThrow(SeedImageError);
    expect(() => nocloudUserData({ ...SPEC, packages: ['hyperv-daemons; rm -rf /'] })).toThrow(/not a package name/);
    expect(() => yamlQuoted('lone \ud800 surrogate')).toThrow(SeedImageError);
  });
});

describe('the seed image', () => {
  let seed: string;
  beforeAll(async () => {
    seed = join(tmp, 'seed.iso');
    await writeNoCloudSeed(seed, SPEC);
  });

  it('is an iso9660 volume labelled cidata for blkid', async () => {
    expect(NOCLOUD_LABEL).toBe('cidata');
    const probe = await blkidProbe(seed);
    expect(probe.TYPE).toBe('iso9660');
    expect(probe.LABEL).toBe('cidata');
  });

  it('holds exactly user-data and meta-data, byte-equal to the generated text, through Joliet and Rock Ridge', async () => {
    for (const tree of ['joliet', 'rock'] as const) {
      expect((await isoinfoList(seed, tree)).map((file) => file.name).sort()).toEqual(['meta-data', 'user-data']);
      expect((await isoinfoExtract(seed, tree, '/user-data')).toString('utf8')).toBe(nocloudUserData(SPEC));
      expect((await isoinfoExtract(seed, tree, '/meta-data')).toString('utf8')).toBe(nocloudMetaData(SPEC));
    }
    expect((await xorrisoPaths(seed, 'nojoliet')).sort()).toEqual(['/meta-data', '/user-data']);
    expect((await xorrisoPaths(seed, 'norock')).sort()).toEqual(['/meta-data', '/user-data']);
  });

  it('leaves no temporary file beside it, and builds the same bytes in memory for a fixed date', async () => {
    expect(await readdir(tmp)).toEqual(['seed.iso']);
    const date = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    expect(Buffer.from(buildNoCloudSeed(SPEC, date)).equals(Buffer.from(buildNoCloudSeed(SPEC, date)))).toBe(true);
  });
});
