import { Ec2ApiError } from './ec2-api-error.js';
import { type QueryTree, q } from './query-params.js';

export interface Filter {
  name: string;
  values: string[];
}

/** The `Filter.N.Name` / `Filter.N.Value.M` members of a request. */
export function readFilters(params: QueryTree): Filter[] {
  return q.list(params, 'Filter').map((entry) => ({
    name: q.str(entry, 'Name') ?? '',
    values: q.strings(entry, 'Value'),
  }));
}

function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/**
 * EC2's filter rules: every filter must match (AND); within one, any value (OR), with `*` and `?`
 * wildcards. `valuesOf` gives the resource's values for a filter name, or undefined for a filter
 * the action does not know (EC2 answers InvalidParameterValue).
 */
export function matchesFilters(
  filters: readonly Filter[],
  valuesOf: (name: string) => readonly string[] | undefined,
  tags: ReadonlyMap<string, string>,
): boolean {
  return filters.every((filter) => {
    let have: readonly string[] | undefined;
    if (filter.name.startsWith('tag:')) {
      const value = tags.get(filter.name.slice(4));
      have = value === undefined ? [] : [value];
    } else if (filter.name === 'tag-key') {
      have = [...tags.keys()];
    } else if (filter.name === 'tag-value') {
      have = [...tags.values()];
    } else {
      have = valuesOf(filter.name);
    }
    if (have === undefined) {
      throw new Ec2ApiError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    }
    return filter.values.some((pattern) => have.some((value) => globMatches(pattern, value)));
  });
}
