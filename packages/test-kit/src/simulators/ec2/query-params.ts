/** A value of the EC2 Query protocol, rebuilt into a tree: `Filter.1.Value.2=x` → `{Filter: [, {Value: [, 'x']}]}`. */
export type QueryValue = string | QueryTree | QueryValue[];
export interface QueryTree {
  [key: string]: QueryValue;
}

/**
 * Parses a form-encoded EC2 Query body. Numbered segments (1-based, as the SDK writes them) become
 * arrays in order; everything else becomes nested objects.
 */
export function parseQuery(body: string): QueryTree {
  const root: QueryTree = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split('.');
    let node: QueryTree | QueryValue[] = root;
    for (let i = 0; i < path.length; i += 1) {
      const segment = path[i] as string;
      const last = i === path.length - 1;
      const slot: string | number = /^\d+$/.test(segment) ? Number(segment) - 1 : segment;
      const container = node as unknown as Record<string | number, QueryValue>;
      if (last) {
        container[slot] = value;
        break;
      }
      const nextIsIndex = /^\d+$/.test(path[i + 1] as string);
      let child = container[slot];
      if (child === undefined || typeof child === 'string') {
        child = nextIsIndex ? [] : {};
        container[slot] = child;
      }
      node = child as QueryTree | QueryValue[];
    }
  }
  return root;
}

/** Readers that tolerate missing parts: a request is what the client chose to send. */
export const q = {
  str(tree: QueryValue | undefined, key: string): string | undefined {
    if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return undefined;
    const value = tree[key];
    return typeof value === 'string' ? value : undefined;
  },
  obj(tree: QueryValue | undefined, key: string): QueryTree | undefined {
    if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return undefined;
    const value = tree[key];
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  },
  list(tree: QueryValue | undefined, key: string): QueryValue[] {
    if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return [];
    const value = tree[key];
    return Array.isArray(value) ? value.filter((item) => item !== undefined) : [];
  },
  strings(tree: QueryValue | undefined, key: string): string[] {
    return q.list(tree, key).filter((item): item is string => typeof item === 'string');
  },
  bool(tree: QueryValue | undefined, key: string): boolean | undefined {
    const value = q.str(tree, key);
    return value === undefined ? undefined : value === 'true';
  },
  int(tree: QueryValue | undefined, key: string): number | undefined {
    const value = q.str(tree, key);
    return value === undefined ? undefined : Number(value);
  },
};
