import type { CreateFlag } from '@berth/driver-protocol';

/** The none driver's only create flag: the Docker URL of a host Berth does not manage. No env var. */
export const NONE_CREATE_FLAGS: CreateFlag[] = [
  {
    name: 'url',
    type: 'string',
    description: 'URL of host when no driver is selected',
  },
];
