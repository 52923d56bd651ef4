import { InvalidFlagError, isBerthError } from '@berth/driver-protocol';
import type { Ec2Api } from './ec2-api.js';

/** Canonical's public SSM parameter for the current Ubuntu 24.04 LTS AMI of an architecture. */
export function ubuntuAmiParameter(arch: 'amd64' | 'arm64'): string {
  return `/aws/service/canonical/ubuntu/server/24.04/stable/current/${arch}/hvm/ebs-gp3/ami-id`;
}

/** Graviton instance types (`t4g`, `m7g`, `c7gn`, `a1`) run arm64 images. */
export function instanceArchitecture(instanceType: string): 'amd64' | 'arm64' {
  const family = instanceType.split('.')[0] ?? '';
  return family === 'a1' || /^[a-z]+\d+g[a-z]*$/.test(family) ? 'arm64' : 'amd64';
}

/**
 * The default AMI: the current Ubuntu LTS for the region, read from Canonical's public SSM
 * parameter (replacing Docker Machine's table of 2018 AMIs). `--amazonec2-ami` skips this.
 */
export async function lookupUbuntuAmi(api: Ec2Api, instanceType: string, signal: AbortSignal): Promise<string> {
  const name = ubuntuAmiParameter(instanceArchitecture(instanceType));
  const region = api.settings.region;
  let ami: string | undefined;
  try {
    ami = await api.getParameter(name, signal);
  } catch (error) {
    if (!isBerthError(error) || error.data.awsCode !== 'ParameterNotFound') throw error;
  }
  if (!ami) {
    throw new InvalidFlagError(`no current Ubuntu LTS AMI is published in region ${region} (SSM parameter ${name})`, {
      actions: ['Give an AMI with --amazonec2-ami (AWS_AMI).'],
      data: { flag: 'amazonec2-ami', parameter: name, region },
    });
  }
  return ami;
}
