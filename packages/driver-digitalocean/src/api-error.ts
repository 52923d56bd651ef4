/**
 * A DigitalOcean API call that failed: an error answer (`{id, message, request_id}` in the body),
 * no answer in time, or no connection. Stays inside the driver; {@link toBerthError} turns it into
 * what the user sees. Never carries the token: requests are described by method and path only.
 */
export class DigitalOceanApiError extends Error {
  /** HTTP status; 0 when no answer came (network failure or timeout). */
  readonly status: number;
  /** DigitalOcean's error id, e.g. `unprocessable_entity`, `not_found`, `too_many_requests`. */
  readonly errorId: string;
  /** DigitalOcean's own message, shown to the user verbatim. */
  readonly apiMessage: string;
  /** DigitalOcean's request id (body `request_id`, else the `x-request-id` header), for support. */
  readonly requestId: string;
  /** `GET /v2/droplets/123`: what was asked, never with credentials. */
  readonly request: string;
  readonly timedOut: boolean;

  constructor(fields: {
    status: number;
    errorId?: string;
    apiMessage: string;
    requestId?: string;
    request: string;
    timedOut?: boolean;
    cause?: unknown;
  }) {
    super(describe(fields), fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'DigitalOceanApiError';
    this.status = fields.status;
    this.errorId = fields.errorId ?? '';
    this.apiMessage = fields.apiMessage;
    this.requestId = fields.requestId ?? '';
    this.request = fields.request;
    this.timedOut = fields.timedOut === true;
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

function describe(fields: { status: number; errorId?: string; apiMessage: string; requestId?: string }): string {
  if (fields.status === 0) return fields.apiMessage;
  const what = [`HTTP ${fields.status}`, fields.errorId].filter(Boolean).join(' ');
  const id = fields.requestId ? `, request id ${fields.requestId}` : '';
  return `DigitalOcean said "${fields.apiMessage}" (${what}${id})`;
}
