import { BerthError } from '@berth/driver-protocol';
import { compileGoRegexp, GoRegexpError } from '@berth/go-format';
import { type LsSwarmMode, swarmMasters, swarmName } from './ls-swarm.js';

/**
 * `ls --filter KEY=VALUE`. The same key given twice matches either value; different keys
 * must all match. Keys are case-insensitive; values compare case-insensitively except
 * `name`, which is an unanchored regular expression (so `name=dm-*` matches "dm" anywhere).
 */
export interface LsFilters {
  readonly driver: readonly string[];
  readonly state: readonly string[];
  readonly name: readonly RegExp[];
  readonly swarm: readonly string[];
  readonly label: readonly string[];
}

/** What a filter looks at. `DriverName` is the stored driver name; `State` the live state. */
export interface LsFilterSubject {
  readonly Name: string;
  readonly DriverName: string;
  readonly State?: string;
  readonly SwarmOptions?: { readonly Discovery?: string; readonly Master?: boolean } | null;
  readonly SwarmMode?: LsSwarmMode | null | undefined;
  readonly EngineOptions?: { readonly Labels?: readonly string[] | null } | null;
}

const KEYS = ['driver', 'label', 'name', 'state', 'swarm'] as const;

/** A filter docker-machine would not accept. */
export class LsFilterError extends BerthError {
  override readonly code = 'InvalidLsFilter' as const;

  constructor(message: string, filter: string, actions: string[]) {
    super(message, { actions, data: { filter } });
  }
}

/**
 * Parses `--filter` values. Throws LsFilterError with docker-machine's messages:
 * `Unsupported filter syntax`, `Unsupported filter key 'KEY'`, or the regexp error.
 * Unlike docker-machine, a bad `name=` regexp fails even when there are no machines.
 */
export function parseLsFilters(filters: readonly string[]): LsFilters {
  const parsed = {
    driver: [] as string[],
    state: [] as string[],
    name: [] as RegExp[],
    swarm: [] as string[],
    label: [] as string[],
  };
  const usage = [`Use --filter KEY=VALUE, where KEY is one of ${KEYS.join(', ')}.`];
  for (const filter of filters) {
    const split = filter.indexOf('=');
    if (split < 0) throw new LsFilterError('Unsupported filter syntax', filter, usage);
    const key = filter.slice(0, split).toLowerCase();
    const value = filter.slice(split + 1);
    switch (key) {
      case 'name':
        try {
          parsed.name.push(compileGoRegexp(value));
        } catch (error) {
          if (!(error instanceof GoRegexpError)) throw error;
          throw new LsFilterError(error.message, filter, ['name= takes a regular expression (RE2 syntax).']);
        }
        break;
      case 'driver':
      case 'state':
      case 'swarm':
      case 'label':
        parsed[key].push(value);
        break;
      default:
        throw new LsFilterError(`Unsupported filter key '${key}'`, filter, usage);
    }
  }
  return parsed;
}

export function hasFilters(filters: LsFilters): boolean {
  return KEYS.some((key) => filters[key].length > 0);
}

/** Whether the filters need each machine's live state (querying it takes time). */
export function needsState(filters: LsFilters): boolean {
  return filters.state.length > 0;
}

/**
 * Keeps the items that pass. Swarm masters are looked up among all `items`. docker-machine
 * applied filters only to machines it could load; callers add unreadable ones afterwards.
 */
export function filterLs<T extends LsFilterSubject>(items: readonly T[], filters: LsFilters): T[] {
  if (!hasFilters(filters)) return [...items];
  const masters = swarmMasters(items);
  return items.filter((item) => matchesLsFilters(item, filters, masters));
}

export function matchesLsFilters(
  item: LsFilterSubject,
  filters: LsFilters,
  masters: ReadonlyMap<string, string>,
): boolean {
  const any = <V>(values: readonly V[], test: (value: V) => boolean): boolean =>
    values.length === 0 || values.some(test);
  const swarm = swarmName(item, masters);
  return (
    any(filters.swarm, (n) => swarm !== undefined && sameText(n, swarm)) &&
    any(filters.driver, (n) => sameText(n, item.DriverName)) &&
    any(filters.state, (n) => sameText(n, item.State ?? '')) &&
    any(filters.name, (re) => re.test(item.Name)) &&
    any(filters.label, (l) => matchesLabel(item.EngineOptions?.Labels ?? [], l))
  );
}

/**
 * `label=KEY=VALUE`: the machine has engine label KEY with that value (case-insensitive).
 * docker-machine crashed on a filter without a value; Berth matches the key alone.
 */
function matchesLabel(labels: readonly string[], filter: string): boolean {
  const engineLabels = new Map<string, string>();
  for (const label of labels) {
    const split = label.indexOf('=');
    if (split < 0) engineLabels.set(label, '');
    else engineLabels.set(label.slice(0, split), label.slice(split + 1));
  }
  const split = filter.indexOf('=');
  if (split < 0) return engineLabels.has(filter);
  const value = engineLabels.get(filter.slice(0, split));
  return value !== undefined && sameText(value, filter.slice(split + 1));
}

/** Go's strings.EqualFold, close enough for names and states. */
function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
