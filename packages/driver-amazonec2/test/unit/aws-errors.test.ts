import { describe, expect, it } from 'vitest';
import { toBerthError } from '../../src/aws-errors.js';

const site = { action: 'RunInstances', region: 'us-east-1', endpoint: 'http://127.0.0.1:1234', maxAttempts: 6 };
const aws = (name: string, message = `${name} happened`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400, requestId: 'req-1' }, $fault: 'client' });

describe('toBerthError: AWS errors become Berth errors by their name', () => {
  it.each([
    ['AuthFailure', 'InvalidFlag', 'amazonec2-secret-key'],
    ['SignatureDoesNotMatch', 'InvalidFlag', 'amazonec2-secret-key'],
    ['UnauthorizedOperation', 'InvalidFlag', undefined],
    ['RequestLimitExceeded', 'Timeout', undefined],
    ['InsufficientInstanceCapacity', 'InvalidFlag', undefined],
    ['InvalidAMIID.NotFound', 'InvalidFlag', 'amazonec2-ami'],
    ['InvalidSubnetID.NotFound', 'InvalidFlag', 'amazonec2-subnet-id'],
    ['InvalidKeyPair.NotFound', 'InvalidFlag', 'amazonec2-keypair-name'],
    ['UnsupportedOperation', 'NotSupported', undefined],
    ['IncorrectInstanceState', 'MachineNotRunning', undefined],
    ['AbortError', 'Cancelled', undefined],
    ['InternalError', 'Internal', undefined],
  ])('%s → %s', (name, code, flag) => {
    const error = toBerthError(aws(name), site);
    expect(error.code).toBe(code);
    expect(error.data.awsCode).toBe(name);
    expect(error.data.requestId).toBe('req-1');
    if (flag) expect(error.data.flag).toBe(flag);
  });

  it("keeps EC2's code and message and names the action", () => {
    const error = toBerthError(aws('InvalidKeyPair.Duplicate', "The keypair 'm' already exists."), site);
    expect(error.message).toBe("RunInstances failed: InvalidKeyPair.Duplicate: The keypair 'm' already exists.");
  });

  it('says how often a throttled call was tried', () => {
    expect(toBerthError(aws('RequestLimitExceeded', 'Request limit exceeded.'), site).message).toBe(
      'RunInstances failed: RequestLimitExceeded: Request limit exceeded. (still refused after 6 attempts)',
    );
  });

  it('reports an unreachable endpoint as such, with the endpoint flag', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1234'), { code: 'ECONNREFUSED' });
    const error = toBerthError(refused, site);
    expect(error.code).toBe('InvalidFlag');
    expect(error.message).toBe('RunInstances: cannot reach the EC2 endpoint http://127.0.0.1:1234: ECONNREFUSED');
    expect(error.data.flag).toBe('amazonec2-endpoint');
  });
});
