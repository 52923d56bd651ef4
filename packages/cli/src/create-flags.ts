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
  swarm: Flags.boolean({ summary: 'Configure Machine to join a Swarm cluster' }),
  'swarm-image': Flags.string({
    summary: 'Specify Docker image to use for Swarm',
    env: 'MACHINE_SWARM_IMAGE',
    default: 'swarm:latest',
  }),
  'swarm-master': Flags.boolean({ summary: 'Configure Machine to be a Swarm master' }),
  'swarm-discovery': Flags.string({ summary: 'Discovery service to use with Swarm', default: '' }),
  'swarm-strategy': Flags.string({ summary: 'Define a default scheduling strategy for Swarm', default: 'spread' }),
  'swarm-opt': Flags.string({
    summary: 'Define arbitrary flags for Swarm master',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'swarm-join-opt': Flags.string({
    summary: 'Define arbitrary flags for Swarm join',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'swarm-host': Flags.string({ summary: 'ip/socket to listen on for Swarm master', default: 'tcp://0.0.0.0:3376' }),
  'swarm-addr': Flags.string({
    summary: 'addr to advertise for Swarm (default: detect and use the machine IP)',
    default: '',
  }),
  'swarm-experimental': Flags.boolean({ summary: 'Enable Swarm experimental features' }),
  'tls-san': Flags.string({ summary: 'Support extra SANs for TLS certs', multiple: true, multipleNonGreedy: true }),
  // Berth's own: where local drivers' images come from for air-gapped machines (and the tests).
  'image-mirror': Flags.string({
    summary: "Fetch local drivers' images from this URL instead (the image's file name is appended)",
    env: 'BERTH_IMAGE_MIRROR',
  }),
};

/** The driver's name, read from argv before the real parse (which needs the driver's own flags). */
export function driverNameFromArgv(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const read = tokenize(argv, commandSpec('create')?.flags ?? { driver: DRIVER_FLAG });
  if (read.fault?.flag === 'driver' && read.fault.kind === 'missing-value') return '';
  return flagInputs(read, 'driver')[0] ?? (env.MACHINE_DRIVER || 'virtualbox');
}

/** `--driver`/`-d` as the reader needs it, for when there is no manifest (sources run unbuilt). */
const DRIVER_FLAG: FlagSpec = { name: 'driver', char: 'd', type: 'option' };
