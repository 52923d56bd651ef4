const AUTHORITY = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/;

/**
 * The `host[:port]` part of a URL, exactly as written (`tcp://127.0.0.1:12376` → `127.0.0.1:12376`),
 * or `undefined` if `url` is not of the form `scheme://…`. Any user info before `@` is dropped.
 * Unlike WHATWG URL parsing this keeps a default port and the original spelling, as Docker Machine did.
 */
export function urlHost(url: string): string | undefined {
  const authority = AUTHORITY.exec(url)?.[1];
  if (authority === undefined) return undefined;
  return authority.slice(authority.lastIndexOf('@') + 1);
}
