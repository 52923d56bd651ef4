import { Flags } from '@oclif/core';
import { commandSpec, type FlagSpec, flagInputs, tokenize } from './command-line/index.js';

/**
 * The create flags every driver shares, with docker-machine's names, defaults
 * and environment variables. Repeatable flags take one value per use.
 */
export const SHARED_CREATE_FLAGS = {
  driver: Flags.string({
    char: 'd',
    summary: 'Driver to create machine with.',
    env: 'MACHINE_DRIVER',
    default: 'virtualbox',
  }),
  'engine-install-url': Flags.string({
    summary: 'Custom URL to use for engine installation',
    env: 'MACHINE_DOCKER_INSTALL_URL',
    default: 'https://get.docker.com',
  }),
  'engine-opt': Flags.string({
    summary: 'Specify arbitrary flags to include with the created engine in the form flag=value',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'engine-insecure-registry': Flags.string({
    summary: 'Specify insecure registries to allow with the created engine',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'engine-registry-mirror': Flags.string({
    summary: 'Specify registry mirrors to use',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'engine-label': Flags.string({
    summary: 'Specify labels for the created engine',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'engine-storage-driver': Flags.string({ summary: 'Specify a storage driver to use with the engine' }),
  'engine-env': Flags.string({
    summary: 'Specify environment variables to set in the engine',
    multiple: true,
    multipleNonGreedy: true,
  }),
  // Swarm mode, set up through the engine API once the machine runs Docker (core's swarm-mode.ts).
  'swarm-mode': Flags.string({
    summary: 'Make the machine a swarm-mode node: manager (starts a swarm unless --swarm-join) or worker',
    options: ['manager', 'worker'],
  }),
  'swarm-join': Flags.string({
    summary: "Join the swarm of this machine (a manager Berth knows) with --swarm-mode's role",
    dependsOn: ['swarm-mode'],
  }),
  // docker-machine's standalone Swarm, retired upstream (its image and hosted discovery are gone):
  // accepted so scripts still get a machine, ignored with a warning (create-swarm.ts). No defaults,
  // so a value means the flag was given.
  ...retiredSwarmFlags(),
  'tls-san': Flags.string({ summary: 'Support extra SANs for TLS certs', multiple: true, multipleNonGreedy: true }),
  // Berth's own: where local drivers' images come from for air-gapped machines (and the tests).
  'image-mirror': Flags.string({
    summary: "Fetch local drivers' images from this URL instead (the image's file name is appended)",
    env: 'BERTH_IMAGE_MIRROR',
  }),
};

/** docker-machine's standalone Swarm flags, in a help group of their own that says they are ignored. */
function retiredSwarmFlags() {
  const helpGroup = 'RETIRED STANDALONE SWARM (IGNORED)';
  return {
    swarm: Flags.boolean({ summary: 'Configure Machine to join a Swarm cluster', helpGroup }),
    'swarm-image': Flags.string({ summary: 'Specify Docker image to use for Swarm', helpGroup }),
    'swarm-master': Flags.boolean({ summary: 'Configure Machine to be a Swarm master', helpGroup }),
    'swarm-discovery': Flags.string({ summary: 'Discovery service to use with Swarm', helpGroup }),
    'swarm-strategy': Flags.string({ summary: 'Define a default scheduling strategy for Swarm', helpGroup }),
    'swarm-opt': Flags.string({
      summary: 'Define arbitrary flags for Swarm master',
      multiple: true,
      multipleNonGreedy: true,
      helpGroup,
    }),
    'swarm-join-opt': Flags.string({
      summary: 'Define arbitrary flags for Swarm join',
      multiple: true,
      multipleNonGreedy: true,
      helpGroup,
    }),
    'swarm-host': Flags.string({ summary: 'ip/socket to listen on for Swarm master', helpGroup }),
    'swarm-addr': Flags.string({ summary: 'addr to advertise for Swarm', helpGroup }),
    'swarm-experimental': Flags.boolean({ summary: 'Enable Swarm experimental features', helpGroup }),
  };
}

/** The driver's name, read from argv before the real parse (which needs the driver's own flags). */
export function driverNameFromArgv(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const read = tokenize(argv, commandSpec('create')?.flags ?? { driver: DRIVER_FLAG });
  if (read.fault?.flag === 'driver' && read.fault.kind === 'missing-value') return '';
  return flagInputs(read, 'driver')[0] ?? (env.MACHINE_DRIVER || 'virtualbox');
}

/** `--driver`/`-d` as the reader needs it, for when there is no manifest (sources run unbuilt). */
const DRIVER_FLAG: FlagSpec = { name: 'driver', char: 'd', type: 'option' };
