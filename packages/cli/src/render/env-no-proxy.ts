/**
 * `env --no-proxy`: the machine's IP is added to the proxy exclusion list. The lower-case
 * `no_proxy` is used when it is set and not empty, else `NO_PROXY`.
 */
export interface NoProxySetting {
  readonly name: 'no_proxy' | 'NO_PROXY';
  readonly value: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function currentNoProxy(env: Environment): NoProxySetting {
  const lower = env.no_proxy ?? '';
  if (lower !== '') return { name: 'no_proxy', value: lower };
  return { name: 'NO_PROXY', value: env.NO_PROXY ?? '' };
}

/** Appends `ip` unless the value already contains it (as a substring, like docker-machine). */
export function noProxyWithMachine(env: Environment, ip: string): NoProxySetting {
  const current = currentNoProxy(env);
  if (current.value === '') return { name: current.name, value: ip };
  if (current.value.includes(ip)) return current;
  return { name: current.name, value: `${current.value},${ip}` };
}
