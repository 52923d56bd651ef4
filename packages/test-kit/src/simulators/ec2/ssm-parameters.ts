/** Canonical's public SSM parameters for the current Ubuntu LTS AMIs, as the simulator publishes them. */
export const UBUNTU_AMI_PARAMETERS = {
  amd64: '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
  arm64: '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id',
} as const;

export interface SsmAnswer {
  status: number;
  body: unknown;
}

/** SSM's JSON protocol for the one action used: GetParameter (a public parameter, read-only). */
export function ssmGetParameter(parameters: ReadonlyMap<string, string>, region: string, request: unknown): SsmAnswer {
  const name = typeof request === 'object' && request !== null ? (request as { Name?: unknown }).Name : undefined;
  if (typeof name !== 'string' || name === '') {
    return {
      status: 400,
      body: {
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
      },
    };
  }
  const value = parameters.get(name);
  if (value === undefined) return { status: 400, body: { __type: 'ParameterNotFound' } };
  return {
    status: 200,
    body: {
      Parameter: {
        ARN: `arn:aws:ssm:${region}::parameter${name}`,
        DataType: name.endsWith('/ami-id') ? 'aws:ec2:image' : 'text',
        LastModifiedDate: Math.floor(Date.now() / 1000),
        Name: name,
        Type: 'String',
        Value: value,
        Version: 1,
      },
    },
  };
}
