import { readFile } from 'node:fs/promises';
import { dockerMachineFixture } from '@berth/test-kit';
import { expect, it } from 'vitest';
import { DEFAULT_API_URL, DIGITALOCEAN_FLAGS } from '../../src/flags.js';

const FIXTURE = dockerMachineFixture('outputs', 'help-create-driver-digitalocean.stdout');

interface ReferenceFlag {
  name: string;
  default?: string;
  description: string;
  envVar: string;
}

/** The digitalocean lines of `docker-machine create -d digitalocean --help` (0.16). */
async function referenceFlags(): Promise<ReferenceFlag[]> {
  const text = await readFile(FIXTURE, 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('--digitalocean-'))
    .map((line) => {
      const match = /^--(\S+)(?: "([^"]*)")?\s+(.*?)\s*\[\$(\w+)\]$/.exec(line);
      if (!match) throw new Error(`unparsed reference line: ${line}`);
      const [, name = '', value, description = '', envVar = ''] = match;
      return { name, ...(value === undefined ? {} : { default: value }), description: description.trim(), envVar };
    });
}

it('has every flag of docker-machine 0.16 with its default, env var and help text', async () => {
  const reference = await referenceFlags();
  expect(reference).toHaveLength(14);
  const ours = DIGITALOCEAN_FLAGS.filter((flag) => flag.name !== 'digitalocean-api-url').map((flag) => ({
    name: flag.name,
    ...(flag.default === undefined ? {} : { default: String(flag.default) }),
    description: flag.description,
    envVar: flag.envVar,
  }));
  expect(ours).toEqual(reference);
});

it('adds --digitalocean-api-url (env DIGITALOCEAN_API_URL), defaulting to DigitalOcean itself', () => {
  expect(DIGITALOCEAN_FLAGS.find((flag) => flag.name === 'digitalocean-api-url')).toMatchObject({
    type: 'string',
    default: DEFAULT_API_URL,
    envVar: 'DIGITALOCEAN_API_URL',
  });
  expect(DEFAULT_API_URL).toBe('https://api.digitalocean.com');
});

it('declares the token, and only the token, secret; types follow the reference', () => {
  expect(DIGITALOCEAN_FLAGS.filter((flag) => flag.secret).map((flag) => flag.name)).toEqual([
    'digitalocean-access-token',
  ]);
  const types = Object.fromEntries(DIGITALOCEAN_FLAGS.map((flag) => [flag.name, flag.type]));
  expect(types['digitalocean-ssh-port']).toBe('int');
  for (const name of ['backups', 'ipv6', 'monitoring', 'private-networking']) {
    expect(types[`digitalocean-${name}`]).toBe('bool');
  }
  expect(Object.values(types).filter((type) => type === 'string')).toHaveLength(10);
});
