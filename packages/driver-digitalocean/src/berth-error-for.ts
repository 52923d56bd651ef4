import { type BerthError, InternalError, InvalidFlagError, isBerthError, TimeoutError } from '@berth/driver-protocol';
import { DigitalOceanApiError } from './api-error.js';

const TOKEN_ACTION =
  'Check --digitalocean-access-token (or DIGITALOCEAN_ACCESS_TOKEN): make a token under API in the DigitalOcean control panel.';
const SCOPE_ACTION =
  'Give the token write access, or the scopes this needs (droplet, ssh_key, regions, actions: read, create, update, delete).';
const INPUT_ACTION =
  'Check the value DigitalOcean refused (--digitalocean-image, -region, -size, -tags, -userdata); `doctl compute image list-distribution`, `region list` and `size list` show valid slugs.';
const RATE_ACTION = 'DigitalOcean limits API calls per minute and per hour: wait a little, then retry.';
const SERVER_ACTION =
  'DigitalOcean had a problem on its side: retry in a few minutes (https://status.digitalocean.com).';
const NETWORK_ACTION =
  'Check the network and the proxy settings (HTTPS_PROXY, NO_PROXY), and --digitalocean-api-url if you gave one.';

/**
 * What the user sees when an API call fails: `<what failed>: DigitalOcean said "<its message>"
 * (HTTP <status> <id>, request id <id>)`, with the action that fits the status. The data carries
 * status, DigitalOcean's id and the request id, never the token.
 */
export function berthErrorFor(error: unknown, failed: string): BerthError {
  if (isBerthError(error)) return error;
  if (!(error instanceof DigitalOceanApiError)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new InternalError(`${failed}: ${reason}`, { cause: error });
  }
  const message = `${failed}: ${error.message}`;
  const data = {
    provider: 'digitalocean',
    status: error.status,
    errorId: error.errorId,
    requestId: error.requestId,
    request: error.request,
  };
  const options = (actions: string[]) => ({ actions, data, cause: error });
  if (error.status === 0) {
    return error.timedOut
      ? new TimeoutError(message, options([NETWORK_ACTION]))
      : new InternalError(message, options([NETWORK_ACTION]));
  }
  if (error.status === 401) return new InvalidFlagError(message, options([TOKEN_ACTION]));
  if (error.status === 403) return new InvalidFlagError(message, options([SCOPE_ACTION]));
  if (error.status === 400 || error.status === 422) return new InvalidFlagError(message, options([INPUT_ACTION]));
  if (error.status === 429) return new TimeoutError(message, options([RATE_ACTION]));
  if (error.status >= 500) return new InternalError(message, options([SERVER_ACTION]));
  return new InternalError(message, options([]));
}
