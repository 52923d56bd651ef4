/** What a client needs to talk mutual TLS to a machine's engine. */
export interface EngineTls {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

/** `tcp://10.0.0.5:2376` → host and port. */
export function parseEngineUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url.replace(/^tcp:/, 'https:'));
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 2376) };
}
