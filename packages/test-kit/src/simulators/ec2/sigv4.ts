import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Ec2ApiError } from './ec2-api-error.js';

export interface SignedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface VerifiedSignature {
  accessKeyId: string;
  region: string;
  service: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/**
 * Checks an AWS Signature Version 4 as AWS does, with the one secret the simulator knows: a request
 * signed with another key, another secret or for another region is refused with AWS's own error.
 */
export function verifySigV4(request: SignedRequest, credentials: Credentials, region: string): VerifiedSignature {
  const authorization = header(request.headers, 'authorization');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) {
    throw new Ec2ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
  }
  const [, accessKeyId = '', date = '', scopeRegion = '', service = '', signedHeaders = '', signature = ''] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    throw new Ec2ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
  }
  if (scopeRegion !== region) {
    throw new Ec2ApiError('AuthFailure', `Credential should be scoped to a valid region, not '${scopeRegion}'.`, 401);
  }
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map((name) => `${name}:${header(request.headers, name).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const [path = '/', query = ''] = request.path.split('?');
  const canonicalQuery = query.split('&').filter(Boolean).sort().join('&');
  const payloadHash = header(request.headers, 'x-amz-content-sha256') || sha256(request.body);
  const canonicalRequest = [request.method, path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join(
    '\n',
  );
  const amzDate = header(request.headers, 'x-amz-date');
  const scope = `${date}/${scopeRegion}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), scopeRegion), service), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  if (expected !== signature) {
    throw new Ec2ApiError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    );
  }
  return { accessKeyId, region: scopeRegion, service };
}
