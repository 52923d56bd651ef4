import type { Dispatcher } from 'undici';

/** The proxy settings the download honours, read from the environment as curl reads them. */
export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/** HTTP(S)_PROXY and NO_PROXY, lower case first (as curl and undici read them); '' when unset. */
export function proxySettingsFrom(env: NodeJS.ProcessEnv): ProxySettings {
  const read = (name: string): string => env[name.toLowerCase()] ?? env[name] ?? '';
  const httpProxy = read('HTTP_PROXY');
  return { httpProxy, httpsProxy: read('HTTPS_PROXY') || httpProxy, noProxy: read('NO_PROXY') };
}

/** The proxy `url` goes through under `settings`, or undefined (NO_PROXY as undici matches it). */
export function proxyFor(url: string, settings: ProxySettings): string | undefined {
  const { protocol, hostname, port } = new URL(url);
  const proxy = protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (proxy === '') return undefined;
  const host = hostname.toLowerCase();
  const portNumber = Number(port) || (protocol === 'https:' ? 443 : 80);
  for (const entry of settings.noProxy.split(/[,\s]/)) {
    if (entry === '') continue;
    if (entry === '*') return undefined;
    const match = /^(.+):(\d+)$/.exec(entry);
    const entryHost = (match?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase();
    if (match !== null && Number(match[2]) !== portNumber) continue;
    if (host === entryHost || host.endsWith(`.${entryHost}`)) return undefined;
  }
  return proxy;
}

/**
 * undici's EnvHttpProxyAgent over `settings` (never process.env behind our back), following up to
 * five redirects (mirrors often redirect). Plain-http requests go to an http proxy as absolute-URI
 * requests rather than CONNECT tunnels, as curl does: many proxies allow CONNECT only to port 443.
 * undici is loaded here, on the first download, not when core starts.
 */
export async function createDownloadDispatcher(settings: ProxySettings): Promise<Dispatcher> {
  const loaded = await import('undici');
  // In berth's bundle a CommonJS package imported on demand arrives as its default export only.
  const undici = ('default' in loaded ? loaded.default : loaded) as typeof import('undici');
  const { EnvHttpProxyAgent, interceptors } = undici;
  const agent = new EnvHttpProxyAgent({
    httpProxy: settings.httpProxy,
    httpsProxy: settings.httpsProxy,
    noProxy: settings.noProxy,
    proxyTunnel: false,
    connectTimeout: 30_000,
    headersTimeout: 60_000,
    // A transfer that stalls this long counts as interrupted (and resumes on the next run).
    bodyTimeout: 60_000,
  });
  return agent.compose(interceptors.redirect({ maxRedirections: 5 }));
}
