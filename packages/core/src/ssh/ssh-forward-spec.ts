/** A TCP end of a forward; `host` undefined means OpenSSH's default (loopback, or as GatewayPorts says). */
export interface TcpForwardEnd {
  kind: 'tcp';
  host: string | undefined;
  port: number;
}

/** A Unix socket end of a forward (`-L /tmp/docker.sock:/var/run/docker.sock`). */
export interface SocketForwardEnd {
  kind: 'socket';
  path: string;
}

export type ForwardEnd = TcpForwardEnd | SocketForwardEnd;

/** A `-L`/`-R` spec read; `connect` undefined is a dynamic (SOCKS) forward. */
export interface ForwardSpec {
  given: string;
  listen: ForwardEnd;
  connect: ForwardEnd | undefined;
}

interface Field {
  text: string;
  isPath: boolean;
}

/** OpenSSH's fields: `:`-separated, `[...]` taken literally (IPv6), a `/` makes a field a path, `\` escapes. */
function splitFields(spec: string): Field[] | undefined {
  const fields: Field[] = [];
  let rest = spec.trimStart();
  while (rest !== '' && fields.length < 4) {
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0 || (rest[close + 1] !== ':' && rest[close + 1] !== undefined)) return undefined;
      const text = rest.slice(1, close);
      fields.push({ text, isPath: text.includes('/') });
      rest = rest.slice(close + 2);
      continue;
    }
    let text = '';
    let at = 0;
    let ended = false;
    for (; at < rest.length; at += 1) {
      const char = rest[at] as string;
      if (char === '\\') {
        at += 1;
        if (at >= rest.length) return undefined;
        text += rest[at];
      } else if (char === ':') {
        ended = true;
        break;
      } else {
        text += char;
      }
    }
    fields.push({ text, isPath: text.includes('/') });
    rest = ended ? rest.slice(at + 1) : '';
  }
  return rest === '' ? fields : undefined;
}

/** A port as OpenSSH's a2port takes it (numbers only here: no service names); -1 when not one. */
function port(text: string): number {
  if (!/^\d{1,5}$/.test(text)) return -1;
  const value = Number(text);
  return value <= 65535 ? value : -1;
}

const tcp = (host: string | undefined, portText: string): TcpForwardEnd => ({
  kind: 'tcp',
  host,
  port: port(portText),
});
const socket = (path: string): SocketForwardEnd => ({ kind: 'socket', path });

/**
 * Reads a forward spec as OpenSSH's parse_forward does: `[bind:]port:host:hostport`,
 * `[bind:]port:socket`, `socket:host:hostport`, `socket:socket`, and for dynamic forwards
 * `[bind:]port`. Undefined when it is not one (OpenSSH: "Bad forwarding specification").
 */
export function parseForwardSpec(spec: string, kind: 'local' | 'remote' | 'dynamic'): ForwardSpec | undefined {
  const fields = splitFields(spec);
  if (fields === undefined) return undefined;
  const [a, b, c, d] = fields;
  let listen: ForwardEnd | undefined;
  let connect: ForwardEnd | undefined;
  if (kind === 'dynamic') {
    if (a && !b) listen = a.isPath ? socket(a.text) : tcp(undefined, a.text);
    else if (a && b && !c && !b.isPath) listen = tcp(a.text, b.text);
    else return undefined;
  } else if (a && b && c && d) {
    listen = tcp(a.text, b.text);
    connect = tcp(c.text, d.text);
  } else if (a && b && c) {
    if (a.isPath) {
      listen = socket(a.text);
      connect = tcp(b.text, c.text);
    } else if (c.isPath) {
      listen = tcp(a.text, b.text);
      connect = socket(c.text);
    } else {
      listen = tcp(undefined, a.text);
      connect = tcp(b.text, c.text);
    }
  } else if (a && b?.isPath) {
    listen = a.isPath ? socket(a.text) : tcp(undefined, a.text);
    connect = socket(b.text);
  } else {
    return undefined;
  }
  if (connect?.kind === 'tcp' && connect.port <= 0) return undefined;
  if (listen.kind === 'tcp' && (listen.port < 0 || (kind !== 'remote' && listen.port === 0))) return undefined;
  return { given: spec, listen, connect };
}

/** `[host]:port` or the socket path, as OpenSSH names forward ends in messages. */
export function describeForwardEnd(end: ForwardEnd): string {
  return end.kind === 'socket' ? end.path : `${end.host ?? 'localhost'}:${end.port}`;
}
