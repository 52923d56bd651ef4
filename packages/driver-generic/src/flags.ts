import type { CreateFlag } from '@berth/driver-protocol';

/** The generic driver's create flags (names, defaults and env vars as Docker Machine had them). */
export const GENERIC_FLAGS: CreateFlag[] = [
  {
    name: 'generic-engine-port',
    type: 'int',
    default: 2376,
    envVar: 'GENERIC_ENGINE_PORT',
    description: 'Docker engine port',
  },
  { name: 'generic-ip-address', type: 'string', envVar: 'GENERIC_IP_ADDRESS', description: 'IP Address of machine' },
  {
    name: 'generic-ssh-key',
    type: 'string',
    envVar: 'GENERIC_SSH_KEY',
    description: 'SSH private key path (if not provided, default SSH key will be used)',
  },
  { name: 'generic-ssh-port', type: 'int', default: 22, envVar: 'GENERIC_SSH_PORT', description: 'SSH port' },
  { name: 'generic-ssh-user', type: 'string', default: 'root', envVar: 'GENERIC_SSH_USER', description: 'SSH user' },
];
