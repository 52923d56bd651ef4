/**
 * The argv of `berth create -d generic` for `host`:
 * create -d generic --generic-ip-address A --generic-ssh-key K [extra...] [--engine-install-url U] NAME.
 */
export function genericCreateArgs(
  host: { address: string; privateKeyPath: string },
  name: string,
  options: { installUrl?: string; extra?: string[] } = {},
): string[] {
  return [
    'create',
    '-d',
    'generic',
    '--generic-ip-address',
    host.address,
    '--generic-ssh-key',
    host.privateKeyPath,
    ...(options.extra ?? []),
    ...(options.installUrl === undefined ? [] : ['--engine-install-url', options.installUrl]),
    name,
  ];
}
