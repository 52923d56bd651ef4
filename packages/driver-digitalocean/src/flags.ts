import type { CreateFlag } from '@berth/driver-protocol';

/** Where the driver sends API calls unless `--digitalocean-api-url` says otherwise. */
export const DEFAULT_API_URL = 'https://api.digitalocean.com';

/**
 * The digitalocean driver's create flags: Docker Machine's (names, defaults, env vars and help
 * text as `docker-machine create -d digitalocean --help` printed them), plus `--digitalocean-api-url`.
 */
export const DIGITALOCEAN_FLAGS: CreateFlag[] = [
  {
    name: 'digitalocean-access-token',
    type: 'string',
    envVar: 'DIGITALOCEAN_ACCESS_TOKEN',
    description: 'Digital Ocean access token',
    secret: true,
  },
  {
    name: 'digitalocean-api-url',
    type: 'string',
    default: DEFAULT_API_URL,
    envVar: 'DIGITALOCEAN_API_URL',
    description: 'Base URL of the DigitalOcean API (a DigitalOcean-compatible API, or a test simulator)',
  },
  {
    name: 'digitalocean-backups',
    type: 'bool',
    envVar: 'DIGITALOCEAN_BACKUPS',
    description: 'enable backups for droplet',
  },
  {
    name: 'digitalocean-image',
    type: 'string',
    default: 'ubuntu-16-04-x64',
    envVar: 'DIGITALOCEAN_IMAGE',
    description: 'Digital Ocean Image',
  },
  { name: 'digitalocean-ipv6', type: 'bool', envVar: 'DIGITALOCEAN_IPV6', description: 'enable ipv6 for droplet' },
  {
    name: 'digitalocean-monitoring',
    type: 'bool',
    envVar: 'DIGITALOCEAN_MONITORING',
    description: 'enable monitoring for droplet',
  },
  {
    name: 'digitalocean-private-networking',
    type: 'bool',
    envVar: 'DIGITALOCEAN_PRIVATE_NETWORKING',
    description: 'enable private networking for droplet',
  },
  {
    name: 'digitalocean-region',
    type: 'string',
    default: 'nyc3',
    envVar: 'DIGITALOCEAN_REGION',
    description: 'Digital Ocean region',
  },
  {
    name: 'digitalocean-size',
    type: 'string',
    default: 's-1vcpu-1gb',
    envVar: 'DIGITALOCEAN_SIZE',
    description: 'Digital Ocean size',
  },
  {
    name: 'digitalocean-ssh-key-fingerprint',
    type: 'string',
    envVar: 'DIGITALOCEAN_SSH_KEY_FINGERPRINT',
    description: 'SSH key fingerprint',
  },
  {
    name: 'digitalocean-ssh-key-path',
    type: 'string',
    envVar: 'DIGITALOCEAN_SSH_KEY_PATH',
    description: 'SSH private key path',
  },
  { name: 'digitalocean-ssh-port', type: 'int', default: 22, envVar: 'DIGITALOCEAN_SSH_PORT', description: 'SSH port' },
  {
    name: 'digitalocean-ssh-user',
    type: 'string',
    default: 'root',
    envVar: 'DIGITALOCEAN_SSH_USER',
    description: 'SSH username',
  },
  {
    name: 'digitalocean-tags',
    type: 'string',
    envVar: 'DIGITALOCEAN_TAGS',
    description: 'comma-separated list of tags to apply to the Droplet',
  },
  {
    name: 'digitalocean-userdata',
    type: 'string',
    envVar: 'DIGITALOCEAN_USERDATA',
    description: 'path to file with cloud-init user-data',
  },
];
