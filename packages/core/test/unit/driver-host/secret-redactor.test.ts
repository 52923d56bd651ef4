import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRedactor } from '../../../src/driver-host/secret-redactor.js';

describe('SecretRedactor', () => {
  it('blanks out values of secret flags only', () => {
    const redactor = new SecretRedactor();
    redactor.addFlagValues(
      [
        { name: 'token', type: 'string', description: '', secret: true },
        { name: 'keys', type: 'string-array', description: '', secret: true },
        { name: 'region', type: 'string', description: '' },
        { name: 'empty', type: 'string', description: '', secret: true },
      ],
      { token: 'abc123', keys: ['k1', 'k2'], region: 'eu-west-1', empty: '' },
    );
    expect(redactor.redact('token abc123 keys k1,k2 in eu-west-1, abc123 again')).toBe(
      `token ${REDACTED} keys ${REDACTED},${REDACTED} in eu-west-1, ${REDACTED} again`,
    );
  });
});
