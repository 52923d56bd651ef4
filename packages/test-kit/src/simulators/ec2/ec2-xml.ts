export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** A piece of XML: a scalar (escaped), undefined (left out), or already-rendered children. */
export type XmlContent = string | number | boolean | undefined | XmlNode | XmlNode[];
export interface XmlNode {
  xml: string;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

function render(content: XmlContent): string {
  if (content === undefined) return '';
  if (Array.isArray(content)) return content.map((node) => node.xml).join('');
  if (typeof content === 'object') return content.xml;
  return escapeXml(String(content));
}

/** `<name>content</name>`; nothing at all when content is undefined (an absent member). */
export function el(name: string, content: XmlContent): XmlNode {
  if (content === undefined) return { xml: '' };
  return { xml: `<${name}>${render(content)}</${name}>` };
}

/** Several members of one structure. */
export function members(...nodes: XmlNode[]): XmlNode {
  return { xml: nodes.map((node) => node.xml).join('') };
}

/** An EC2 list: `<name><item>…</item>…</name>` (EC2 lists always wrap entries in `item`). */
export function set<T>(name: string, items: readonly T[], item: (value: T) => XmlContent): XmlNode {
  return { xml: `<${name}>${items.map((value) => `<item>${render(item(value))}</item>`).join('')}</${name}>` };
}

/** A whole response document: `<ActionResponse xmlns=…><requestId>…</requestId>…</ActionResponse>`. */
export function responseDocument(action: string, requestId: string, body: XmlNode): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}">` +
    `<requestId>${requestId}</requestId>${body.xml}</${action}Response>`
  );
}

/** EC2's error document (HTTP 4xx/5xx). */
export function errorDocument(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${requestId}</RequestID></Response>`
  );
}

/** A tag set as EC2 writes it. */
export function tagSet(tags: ReadonlyMap<string, string>): XmlNode {
  return set('tagSet', [...tags], ([key, value]) => members(el('key', key), el('value', value)));
}
