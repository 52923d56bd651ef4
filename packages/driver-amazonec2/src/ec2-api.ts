import { createHash } from 'node:crypto';
import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type * as SsmSdk from '@aws-sdk/client-ssm';
import { type AwsCallSite, toBerthError } from './aws-errors.js';
import type { Ec2Config } from './ec2-config.js';

/** How to reach EC2 for one machine: region, endpoint, credentials, retries. */
export interface AwsSettings {
  region: string;
  /** Full URL of a custom endpoint (`--amazonec2-endpoint`), or `''` for AWS's own. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** SDK attempts per call: `--amazonec2-retries` + 1 (1 when retries are disabled with -1). */
  maxAttempts: number;
}

/** `--amazonec2-endpoint` as given ("hostname only or fully qualified URI") → a URL. */
export function normalizeEndpoint(endpoint: string, insecure: boolean): string {
  const trimmed = endpoint.trim();
  if (!trimmed) return '';
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `${insecure ? 'http' : 'https'}://${trimmed}`;
}

export function awsSettings(
  config: Pick<
    Ec2Config,
    'Region' | 'Endpoint' | 'DisableSSL' | 'AccessKey' | 'SecretKey' | 'SessionToken' | 'RetryCount'
  >,
): AwsSettings {
  return {
    region: config.Region,
    endpoint: normalizeEndpoint(config.Endpoint, config.DisableSSL),
    accessKeyId: config.AccessKey,
    secretAccessKey: config.SecretKey,
    sessionToken: config.SessionToken,
    maxAttempts: config.RetryCount < 0 ? 1 : config.RetryCount + 1,
  };
}

type Ec2Module = typeof Ec2Sdk;
type SsmModule = typeof SsmSdk;
type SendOptions = { abortSignal?: AbortSignal };

let ec2Module: Promise<Ec2Module> | undefined;
let ssmModule: Promise<SsmModule> | undefined;

/** The SDKs load on first use only: `berth ls` of machines of other drivers never pays for them. */
function loadEc2(): Promise<Ec2Module> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  ec2Module ??= import('@aws-sdk/client-ec2');
  return ec2Module;
}

function loadSsm(): Promise<SsmModule> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  ssmModule ??= import('@aws-sdk/client-ssm');
  return ssmModule;
}

const instances = new Map<string, Ec2Api>();

/**
 * The EC2 (and SSM) calls the driver makes, one method per action. Every failure leaves here as a
 * BerthError (see aws-errors.ts); `signal` aborts the HTTP request. Credentials are passed
 * explicitly when given, so the SDK's default chain (and its network lookups) is not consulted.
 */
export class Ec2Api {
  /** Calls made through this object, by action (for `--debug` and tests). */
  readonly counts = new Map<string, number>();
  private ec2Client: Promise<Ec2Sdk.EC2Client> | undefined;
  private ssmClient: Promise<SsmSdk.SSMClient> | undefined;

  private constructor(readonly settings: AwsSettings) {}

  /** One client per region, endpoint and credentials, shared by every machine a driver process serves. */
  static for(settings: AwsSettings): Ec2Api {
    const key = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
    let api = instances.get(key);
    if (!api) {
      api = new Ec2Api(settings);
      instances.set(key, api);
    }
    return api;
  }

  /** Loads the EC2 SDK (and builds the client) ahead of the first call. */
  async ready(): Promise<void> {
    const sdk = await loadEc2();
    this.ec2Client ??= Promise.resolve(new sdk.EC2Client(this.clientConfig()));
    await this.ec2Client;
  }

  /** A key that groups machines whose instances one DescribeInstances can cover. */
  get batchKey(): string {
    return createHash('sha256').update(JSON.stringify(this.settings)).digest('hex');
  }

  private clientConfig() {
    const { region, endpoint, accessKeyId, secretAccessKey, sessionToken, maxAttempts } = this.settings;
    return {
      region,
      maxAttempts,
      ...(endpoint ? { endpoint } : {}),
      ...(accessKeyId && secretAccessKey
        ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
        : {}),
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    };
  }

  private site(action: string): AwsCallSite {
    return {
      action,
      region: this.settings.region,
      endpoint: this.settings.endpoint,
      maxAttempts: this.settings.maxAttempts,
    };
  }

  private async ec2<O>(
    action: string,
    signal: AbortSignal | undefined,
    send: (client: Ec2Sdk.EC2Client, sdk: Ec2Module, options: SendOptions) => Promise<O>,
  ): Promise<O> {
    this.counts.set(action, (this.counts.get(action) ?? 0) + 1);
    try {
      const sdk = await loadEc2();
      this.ec2Client ??= Promise.resolve(new sdk.EC2Client(this.clientConfig()));
      return await send(await this.ec2Client, sdk, signal ? { abortSignal: signal } : {});
    } catch (error) {
      throw toBerthError(
        signal?.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : error,
        this.site(action),
      );
    }
  }

  describeAccountAttributes(input: Ec2Sdk.DescribeAccountAttributesCommandInput, signal?: AbortSignal) {
    return this.ec2('DescribeAccountAttributes', signal, (c, sdk, o) =>
      c.send(new sdk.DescribeAccountAttributesCommand(input), o),
    );
  }

  describeVpcs(input: Ec2Sdk.DescribeVpcsCommandInput, signal?: AbortSignal) {
    return this.ec2('DescribeVpcs', signal, (c, sdk, o) => c.send(new sdk.DescribeVpcsCommand(input), o));
  }

  describeSubnets(input: Ec2Sdk.DescribeSubnetsCommandInput, signal?: AbortSignal) {
    return this.ec2('DescribeSubnets', signal, (c, sdk, o) => c.send(new sdk.DescribeSubnetsCommand(input), o));
  }

  describeKeyPairs(input: Ec2Sdk.DescribeKeyPairsCommandInput, signal?: AbortSignal) {
    return this.ec2('DescribeKeyPairs', signal, (c, sdk, o) => c.send(new sdk.DescribeKeyPairsCommand(input), o));
  }

  importKeyPair(input: Ec2Sdk.ImportKeyPairCommandInput, signal?: AbortSignal) {
    return this.ec2('ImportKeyPair', signal, (c, sdk, o) => c.send(new sdk.ImportKeyPairCommand(input), o));
  }

  deleteKeyPair(input: Ec2Sdk.DeleteKeyPairCommandInput, signal?: AbortSignal) {
    return this.ec2('DeleteKeyPair', signal, (c, sdk, o) => c.send(new sdk.DeleteKeyPairCommand(input), o));
  }

  describeSecurityGroups(input: Ec2Sdk.DescribeSecurityGroupsCommandInput, signal?: AbortSignal) {
    return this.ec2('DescribeSecurityGroups', signal, (c, sdk, o) =>
      c.send(new sdk.DescribeSecurityGroupsCommand(input), o),
    );
  }

  createSecurityGroup(input: Ec2Sdk.CreateSecurityGroupCommandInput, signal?: AbortSignal) {
    return this.ec2('CreateSecurityGroup', signal, (c, sdk, o) => c.send(new sdk.CreateSecurityGroupCommand(input), o));
  }

  authorizeSecurityGroupIngress(input: Ec2Sdk.AuthorizeSecurityGroupIngressCommandInput, signal?: AbortSignal) {
    return this.ec2('AuthorizeSecurityGroupIngress', signal, (c, sdk, o) =>
      c.send(new sdk.AuthorizeSecurityGroupIngressCommand(input), o),
    );
  }

  deleteSecurityGroup(input: Ec2Sdk.DeleteSecurityGroupCommandInput, signal?: AbortSignal) {
    return this.ec2('DeleteSecurityGroup', signal, (c, sdk, o) => c.send(new sdk.DeleteSecurityGroupCommand(input), o));
  }

  runInstances(input: Ec2Sdk.RunInstancesCommandInput, signal?: AbortSignal) {
    return this.ec2('RunInstances', signal, (c, sdk, o) => c.send(new sdk.RunInstancesCommand(input), o));
  }

  describeInstances(input: Ec2Sdk.DescribeInstancesCommandInput, signal?: AbortSignal) {
    return this.ec2('DescribeInstances', signal, (c, sdk, o) => c.send(new sdk.DescribeInstancesCommand(input), o));
  }

  startInstances(input: Ec2Sdk.StartInstancesCommandInput, signal?: AbortSignal) {
    return this.ec2('StartInstances', signal, (c, sdk, o) => c.send(new sdk.StartInstancesCommand(input), o));
  }

  stopInstances(input: Ec2Sdk.StopInstancesCommandInput, signal?: AbortSignal) {
    return this.ec2('StopInstances', signal, (c, sdk, o) => c.send(new sdk.StopInstancesCommand(input), o));
  }

  rebootInstances(input: Ec2Sdk.RebootInstancesCommandInput, signal?: AbortSignal) {
    return this.ec2('RebootInstances', signal, (c, sdk, o) => c.send(new sdk.RebootInstancesCommand(input), o));
  }

  terminateInstances(input: Ec2Sdk.TerminateInstancesCommandInput, signal?: AbortSignal) {
    return this.ec2('TerminateInstances', signal, (c, sdk, o) => c.send(new sdk.TerminateInstancesCommand(input), o));
  }

  cancelSpotInstanceRequests(input: Ec2Sdk.CancelSpotInstanceRequestsCommandInput, signal?: AbortSignal) {
    return this.ec2('CancelSpotInstanceRequests', signal, (c, sdk, o) =>
      c.send(new sdk.CancelSpotInstanceRequestsCommand(input), o),
    );
  }

  /** SSM GetParameter (public parameters such as Canonical's AMI ids); same endpoint when one is set. */
  async getParameter(name: string, signal?: AbortSignal): Promise<string | undefined> {
    this.counts.set('GetParameter', (this.counts.get('GetParameter') ?? 0) + 1);
    try {
      const sdk = await loadSsm();
      this.ssmClient ??= Promise.resolve(new sdk.SSMClient(this.clientConfig()));
      const client = await this.ssmClient;
      const output = await client.send(
        new sdk.GetParameterCommand({ Name: name }),
        signal ? { abortSignal: signal } : {},
      );
      return output.Parameter?.Value;
    } catch (error) {
      throw toBerthError(
        signal?.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : error,
        this.site('GetParameter'),
      );
    }
  }
}
