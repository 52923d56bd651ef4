import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenAPIBackend, Operation } from 'openapi-backend';

/** One request that passed through the proxy (never with its credentials). */
export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  path: string;
  /** The spec's operationId, `''` when the spec has no such operation. */
  operationId: string;
  status: number;
  /** The request id the answer carried (`x-request-id`), `''` for answers of the proxy itself. */
  requestId: string;
  /** When it arrived, ms since the epoch. */
  at: number;
  ms: number;
}

/** A request or an answer that does not match the spec. */
export interface SpecViolation {
  direction: 'request' | 'response';
  method: string;
  path: string;
  operationId: string;
  problems: string[];
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * An HTTP proxy on loopback that checks every request against the official OpenAPI spec before
 * passing it on, and every answer before passing it back. A request that does not match is not
 * forwarded (400); an answer that does not match is replaced by a 502. Both are recorded, so a test
 * can fail on them: nothing the client or the simulator does off-spec goes unnoticed.
 */
export class ValidatingProxy {
  readonly requests: ProxiedRequest[] = [];
  readonly violations: SpecViolation[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(api: OpenAPIBackend, target: string): Promise<ValidatingProxy> {
    let proxy: ValidatingProxy | undefined;
    const server = createServer((req, res) => {
      void proxy?.handle(api, target, req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`validating proxy failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    proxy = new ValidatingProxy(server, `http://127.0.0.1:${port}`);
    return proxy;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(api: OpenAPIBackend, target: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const raw = await readAll(req);
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const pathWithQuery = `${url.pathname}${url.search}`;
    const record = (operationId: string, status: number, requestId = '') =>
      this.requests.push({
        method,
        path: pathWithQuery,
        operationId,
        status,
        requestId,
        at: started,
        ms: Date.now() - started,
      });
    const headers = lowerCaseHeaders(req.headers);
    const query = Object.fromEntries(url.searchParams.entries());
    const operation = api.router.matchOperation({ method, path: url.pathname, headers, query });
    const requestProblems: string[] = [];
    let body: unknown;
    if (raw.length > 0) {
      if (!String(headers['content-type'] ?? '').startsWith('application/json')) {
        requestProblems.push(`a body without Content-Type application/json (got "${headers['content-type'] ?? ''}")`);
      }
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        requestProblems.push('a body that is not JSON');
      }
    }
    if (!operation) {
      requestProblems.push(`the spec has no operation ${method} ${url.pathname}`);
    } else {
      requestProblems.push(...checkRequest(api, operation, { method, path: url.pathname, headers, query, body }));
    }
    const operationId = operation?.operationId ?? '';
    if (requestProblems.length > 0) {
      this.violations.push({
        direction: 'request',
        method,
        path: pathWithQuery,
        operationId,
        problems: requestProblems,
      });
      sendJson(res, 400, {
        id: 'bad_request',
        message: `validating proxy: the request does not match the DigitalOcean OpenAPI spec: ${requestProblems.join('; ')}`,
      });
      record(operationId, 400);
      return;
    }
    const upstream = await forward(target, method, pathWithQuery, req.headers, raw);
    const responseProblems = operation ? checkResponse(api, operation, upstream) : [];
    if (responseProblems.length > 0) {
      this.violations.push({
        direction: 'response',
        method,
        path: pathWithQuery,
        operationId,
        problems: responseProblems,
      });
      sendJson(res, 502, {
        id: 'bad_gateway',
        message: `validating proxy: the simulator's answer does not match the DigitalOcean OpenAPI spec: ${responseProblems.join('; ')}`,
      });
      record(operationId, 502);
      return;
    }
    const passHeaders = { ...upstream.headers };
    delete passHeaders['transfer-encoding'];
    delete passHeaders.connection;
    delete passHeaders['keep-alive'];
    res.writeHead(upstream.status, passHeaders);
    res.end(upstream.body);
    record(operationId, upstream.status, String(upstream.headers['x-request-id'] ?? ''));
  }
}

interface CheckedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

function checkRequest(api: OpenAPIBackend, operation: Operation, request: CheckedRequest): string[] {
  const problems: string[] = [];
  const security = operation.security ?? api.definition.security ?? [];
  const needsBearer = security.some((requirement) => Object.keys(requirement).some((name) => name.includes('bearer')));
  if (needsBearer && !/^Bearer \S+$/.test(request.headers.authorization ?? '')) {
    problems.push('no "Authorization: Bearer <token>" header (the operation requires bearer_auth)');
  }
  const hasBody = request.body !== undefined;
  const bodySpec = operation.requestBody && !('$ref' in operation.requestBody) ? operation.requestBody : undefined;
  if (bodySpec?.required && !hasBody) problems.push('no request body, but the operation requires one');
  if (hasBody && !operation.requestBody) problems.push('a request body, but the operation takes none');
  const result = api.validator.validateRequest(
    { method: request.method, path: request.path, headers: request.headers, query: request.query, body: request.body },
    operation,
  );
  for (const error of result.errors ?? []) {
    problems.push(`${error.instancePath || '(request)'} ${error.message ?? error.keyword}`.trim());
  }
  return problems;
}

function checkResponse(api: OpenAPIBackend, operation: Operation, upstream: Upstream): string[] {
  const problems: string[] = [];
  const responses = operation.responses ?? {};
  const key =
    String(upstream.status) in responses
      ? String(upstream.status)
      : `${String(upstream.status)[0]}XX` in responses
        ? `${String(upstream.status)[0]}XX`
        : 'default' in responses
          ? 'default'
          : undefined;
  if (key === undefined) return [`status ${upstream.status} is not among the operation's responses`];
  const declared = responses[key];
  if (!declared || '$ref' in declared) return problems;
  const contentType = String(upstream.headers['content-type'] ?? '');
  const content = declared.content ?? {};
  if (Object.keys(content).length === 0) {
    if (upstream.body.length > 0)
      problems.push(`status ${upstream.status} has no content in the spec, but a body came`);
  } else if (!Object.keys(content).some((type) => contentType.startsWith(type))) {
    problems.push(`Content-Type "${contentType}" is not one of ${Object.keys(content).join(', ')}`);
  } else {
    let body: unknown;
    try {
      body = JSON.parse(upstream.body.toString('utf8'));
    } catch {
      problems.push('the body is not JSON');
    }
    if (body !== undefined) {
      const result = api.validator.validateResponse(body, operation, upstream.status);
      for (const error of result.errors ?? []) {
        problems.push(`${error.instancePath || '(body)'} ${error.message ?? error.keyword}`.trim());
      }
    }
  }
  for (const [name, header] of Object.entries(declared.headers ?? {})) {
    const value = upstream.headers[name.toLowerCase()];
    if (value === undefined || '$ref' in header) continue;
    const schema = header.schema && !('$ref' in header.schema) ? header.schema : undefined;
    if (schema?.type === 'integer' && !/^-?\d+$/.test(String(value))) {
      problems.push(`header ${name} "${String(value)}" is not an integer`);
    }
  }
  return problems;
}

function forward(
  target: string,
  method: string,
  path: string,
  headers: IncomingMessage['headers'],
  body: Buffer,
): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const forwarded = { ...headers };
    delete forwarded.connection;
    delete forwarded['keep-alive'];
    const upstream = httpRequest(`${target}${path}`, { method, headers: forwarded, agent: false }, (res) => {
      readAll(res).then((data) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }), reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function lowerCaseHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
