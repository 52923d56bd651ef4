import {
  type BerthError,
  CancelledError,
  InternalError,
  InvalidFlagError,
  isBerthError,
  MachineNotRunningError,
  NotSupportedError,
  TimeoutError,
} from '@berth/driver-protocol';

/** Where an AWS call went: enough to say which endpoint failed and to suggest a flag. */
export interface AwsCallSite {
  /** The API action, e.g. `RunInstances` (SSM: `GetParameter`). */
  action: string;
  region: string;
  /** The endpoint the user set, or `''` for AWS's own. */
  endpoint: string;
  /** How many attempts the SDK makes (retries + 1). */
  maxAttempts: number;
}

const CREDENTIAL_ERRORS = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidSignatureException',
  'CredentialsProviderError',
]);

const PERMISSION_ERRORS = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'OptInRequired']);

const THROTTLING_ERRORS = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);

const CAPACITY_ERRORS: Record<string, string> = {
  InsufficientInstanceCapacity: 'Try another --amazonec2-zone or --amazonec2-instance-type, or retry later.',
  InstanceLimitExceeded: 'Remove instances you do not need, or ask AWS to raise the instance limit of the region.',
  VcpuLimitExceeded: 'Remove instances you do not need, or ask AWS to raise the vCPU limit of the region.',
  MaxSpotInstanceCountExceeded:
    'Cancel spot requests you do not need, or launch on demand (without --amazonec2-request-spot-instance).',
  SpotMaxPriceTooLow: 'Raise --amazonec2-spot-price, or leave it out to pay the current spot price.',
  InsufficientFreeAddressesInSubnet: 'Use another subnet (--amazonec2-subnet-id).',
  InsufficientAddressCapacity: 'Use another subnet (--amazonec2-subnet-id) or zone (--amazonec2-zone).',
};

/** The flag to check when EC2 refuses an input as missing or invalid. */
const INPUT_FLAGS: Record<string, string> = {
  'InvalidAMIID.NotFound': 'amazonec2-ami',
  'InvalidAMIID.Malformed': 'amazonec2-ami',
  'InvalidAMIID.Unavailable': 'amazonec2-ami',
  'InvalidSubnetID.NotFound': 'amazonec2-subnet-id',
  'InvalidSubnetID.Malformed': 'amazonec2-subnet-id',
  'InvalidVpcID.NotFound': 'amazonec2-vpc-id',
  'InvalidVpcID.Malformed': 'amazonec2-vpc-id',
  'InvalidKeyPair.NotFound': 'amazonec2-keypair-name',
  'InvalidKey.Format': 'amazonec2-ssh-keypath',
  'InvalidGroup.NotFound': 'amazonec2-security-group',
  'InvalidGroup.Reserved': 'amazonec2-security-group',
  InvalidParameterValue: '',
  InvalidParameterCombination: '',
  InvalidParameter: '',
  MissingParameter: '',
  Unsupported: 'amazonec2-instance-type',
  InvalidInstanceType: 'amazonec2-instance-type',
  InvalidBlockDeviceMapping: 'amazonec2-device-name',
  'InvalidUserData.Malformed': 'amazonec2-userdata',
  'InvalidParameterValue.IamInstanceProfile': 'amazonec2-iam-instance-profile',
  ParameterNotFound: 'amazonec2-ami',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPROTO',
]);

interface AwsLikeError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { requestId?: string; httpStatusCode?: number };
  $fault?: unknown;
}

/** The error's EC2/SSM code (the SDK puts it in `name`) or a network error code. */
export function awsErrorCode(error: unknown): string {
  const e = (error ?? {}) as AwsLikeError;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  return typeof e.name === 'string' ? e.name : 'Error';
}

/**
 * The one place AWS errors become Berth errors, by their `name` (EC2's error code). The message
 * keeps EC2's code and text and names the action; `data` carries them for programs. Never a credential.
 */
export function toBerthError(error: unknown, site: AwsCallSite): BerthError {
  if (isBerthError(error)) return error;
  const e = (error ?? {}) as AwsLikeError;
  const code = awsErrorCode(error);
  const text = typeof e.message === 'string' && e.message && e.message !== 'UnknownError' ? e.message : code;
  const where = site.endpoint ? `the EC2 endpoint ${site.endpoint}` : `EC2 in ${site.region}`;
  const data = {
    awsCode: code,
    action: site.action,
    region: site.region,
    ...(e.$metadata?.requestId ? { requestId: e.$metadata.requestId } : {}),
  };
  const message = `${site.action} failed: ${code}: ${text}`;
  if (code === 'AbortError' || code === 'CancelledError') {
    return new CancelledError(`Interrupted during ${site.action}`, { data, cause: error });
  }
  if (code === 'TimeoutError' || code === 'RequestTimeout' || code === 'ETIMEDOUT') {
    return new TimeoutError(`${site.action}: ${where} did not answer in time`, {
      actions: ['Check your network connection (and --amazonec2-endpoint), then retry.'],
      data,
      cause: error,
    });
  }
  if (NETWORK_CODES.has(code)) {
    return new InvalidFlagError(`${site.action}: cannot reach ${where}: ${code}`, {
      actions: ['Check --amazonec2-endpoint (AWS_ENDPOINT), --amazonec2-region and your network connection.'],
      data: { ...data, flag: 'amazonec2-endpoint' },
      cause: error,
    });
  }
  if (CREDENTIAL_ERRORS.has(code)) {
    return new InvalidFlagError(`${message}`, {
      actions: [
        'Check --amazonec2-access-key and --amazonec2-secret-key (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), and --amazonec2-session-token for temporary credentials.',
      ],
      data: { ...data, flag: 'amazonec2-secret-key' },
      cause: error,
    });
  }
  if (PERMISSION_ERRORS.has(code)) {
    return new InvalidFlagError(message, {
      actions: [`Allow ec2:${site.action} (ssm:GetParameter for the AMI lookup) to these credentials in IAM.`],
      data,
      cause: error,
    });
  }
  if (THROTTLING_ERRORS.has(code)) {
    return new TimeoutError(`${message} (still refused after ${site.maxAttempts} attempts)`, {
      actions: ['Retry later, or allow more retries with --amazonec2-retries.'],
      data,
      cause: error,
    });
  }
  const capacity = CAPACITY_ERRORS[code];
  if (capacity) return new InvalidFlagError(message, { actions: [capacity], data, cause: error });
  if (code in INPUT_FLAGS) {
    const flag = INPUT_FLAGS[code];
    return new InvalidFlagError(message, {
      actions: flag ? [`Check --${flag}.`] : ['Check the amazonec2 flags of this machine.'],
      data: flag ? { ...data, flag } : data,
      cause: error,
    });
  }
  if (code === 'UnsupportedOperation') return new NotSupportedError(message, { data, cause: error });
  if (code === 'IncorrectInstanceState' || code === 'IncorrectState') {
    return new MachineNotRunningError(message, { data, cause: error });
  }
  return new InternalError(message, {
    actions: ['Retry; if it persists, run with --debug and report it.'],
    data,
    cause: error,
  });
}
