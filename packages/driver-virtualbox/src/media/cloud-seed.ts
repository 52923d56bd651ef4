import {
  type IsoFile,
  NOCLOUD_LABEL,
  type NoCloudSeedSpec,
  nocloudSeedFiles,
  writeIsoImage,
} from '@berth/driver-sdk/seed';

/**
 * cloud-init network config (v2) for the VM's two NICs: the NAT one (the way out, SSH forward) and
 * the host-only one (the machine's address) both take DHCP. Without it cloud-init's fallback
 * configures only the first NIC, and the machine never gets its host-only address.
 */
export const NETWORK_CONFIG = [
  'version: 2',
  'ethernets:',
  '  nics:',
  '    match:',
  '      name: "e*"',
  '    dhcp4: true',
  '',
].join('\n');

export function cloudSeedFiles(spec: NoCloudSeedSpec): IsoFile[] {
  return [...nocloudSeedFiles(spec), { name: 'network-config', content: NETWORK_CONFIG }];
}

/** The VM's NoCloud seed: the SDK's meta-data and user-data, and {@link NETWORK_CONFIG}. */
export async function writeCloudSeed(path: string, spec: NoCloudSeedSpec): Promise<void> {
  await writeIsoImage(path, { volumeId: NOCLOUD_LABEL, files: cloudSeedFiles(spec) });
}
