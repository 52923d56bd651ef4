import { resolveFlagValues } from '@berth/driver-sdk';
import { describe, expect, it } from 'vitest';
import { parseCreateFlags } from '../../src/flag-rules.js';
import { AMAZONEC2_FLAGS } from '../../src/flags.js';

const flags = (given: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
  resolveFlagValues(AMAZONEC2_FLAGS, { given, env });

function refusal(given: Record<string, unknown>): string {
  try {
    parseCreateFlags(flags(given));
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}

describe('amazonec2 create flags', () => {
  it("declares Docker Machine's flags, env vars and defaults, and the secrets as secret", () => {
    const byName = new Map(AMAZONEC2_FLAGS.map((f) => [f.name, f]));
    for (const name of [
      'access-key',
      'ami',
      'block-duration-minutes',
      'device-name',
      'endpoint',
      'iam-instance-profile',
      'insecure-transport',
      'instance-type',
      'keypair-name',
      'monitoring',
      'open-port',
      'private-address-only',
      'region',
      'request-spot-instance',
      'retries',
      'root-size',
      'secret-key',
      'security-group',
      'security-group-readonly',
      'session-token',
      'spot-price',
      'ssh-keypath',
      'ssh-port',
      'ssh-user',
      'subnet-id',
      'tags',
      'use-ebs-optimized-instance',
      'use-private-address',
      'userdata',
      'volume-type',
      'vpc-id',
      'zone',
    ]) {
      expect(byName.has(`amazonec2-${name}`), name).toBe(true);
    }
    expect(AMAZONEC2_FLAGS.filter((f) => f.secret).map((f) => f.name)).toEqual([
      'amazonec2-secret-key',
      'amazonec2-session-token',
    ]);
    expect(byName.get('amazonec2-region')).toMatchObject({ default: 'us-east-1', envVar: 'AWS_DEFAULT_REGION' });
    expect(byName.get('amazonec2-security-group')).toMatchObject({
      default: ['docker-machine'],
      envVar: 'AWS_SECURITY_GROUP',
    });
    expect(byName.get('amazonec2-http-tokens')).toMatchObject({ default: 'required' });
  });

  it("reads Docker Machine's defaults and environment variables", () => {
    const config = parseCreateFlags(
      flags({}, { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'shh', AWS_INSTANCE_TYPE: 't3.small' }),
    );
    expect(config).toMatchObject({
      AccessKey: 'AKID',
      SecretKey: 'shh',
      Region: 'us-east-1',
      InstanceType: 't3.small',
      RootSize: 16,
      VolumeType: 'gp2',
      DeviceName: '/dev/sda1',
      SecurityGroupNames: ['docker-machine'],
      SSHUser: 'ubuntu',
      SSHPort: 22,
      RetryCount: 5,
      Zone: '',
      SpotPrice: '',
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
    });
  });

  it.each([
    [
      { 'amazonec2-spot-price': '0.2' },
      '--amazonec2-spot-price 0.2 is only used with --amazonec2-request-spot-instance',
    ],
    [
      { 'amazonec2-request-spot-instance': true, 'amazonec2-spot-price': 'cheap' },
      '--amazonec2-spot-price "cheap" is not a price in dollars',
    ],
    [
      { 'amazonec2-block-duration-minutes': 60 },
      '--amazonec2-block-duration-minutes 60 is only used with --amazonec2-request-spot-instance',
    ],
    [
      { 'amazonec2-request-spot-instance': true, 'amazonec2-block-duration-minutes': 90 },
      '--amazonec2-block-duration-minutes 90 is not one of 60, 120, 180, 240, 300, 360',
    ],
    [{ 'amazonec2-keypair-name': 'k' }, 'using --amazonec2-keypair-name also requires --amazonec2-ssh-keypath'],
    [
      { 'amazonec2-insecure-transport': true },
      'using --amazonec2-insecure-transport also requires --amazonec2-endpoint',
    ],
    [
      { 'amazonec2-access-key': 'AKID' },
      '--amazonec2-access-key and --amazonec2-secret-key go together: --amazonec2-secret-key is missing',
    ],
    [{ 'amazonec2-tags': 'a,b,c' }, '--amazonec2-tags "a,b,c" has an odd number of items'],
    [{ 'amazonec2-open-port': ['80/sctp'] }, '--amazonec2-open-port "80/sctp" is not PORT or PORT/PROTOCOL'],
    [{ 'amazonec2-http-tokens': 'sometimes' }, '--amazonec2-http-tokens "sometimes" is not required or optional'],
    [{ 'amazonec2-region': 'moon' }, '--amazonec2-region "moon" is not an AWS region name'],
    [{ 'amazonec2-retries': -2 }, '--amazonec2-retries -2 is below -1'],
  ])('refuses %j', (given, message) => {
    expect(refusal(given)).toBe(message);
  });
});
