import type { BerthContext, MachineProbe } from '@berth/core/machine';
import { dockerHostInEffect, probeMachine } from '@berth/core/machine';
import type { MachineListEntry, MachineRecord } from '@berth/core/store';
import { swarmMembershipOf } from '@berth/core/store';
import type { LsRow } from './render/index.js';
import * as render from './render/index.js';
import { filterLs, needsState, parseLsFilters } from './render/ls-filter.js';

/**
 * What `ls` prints, worked out once for both ways it runs: the oclif command (commands/ls.ts) and
 * the quick path for its plain forms (quick-ls.ts).
 */

export interface LsOptions {
  quiet: boolean;
  filter: readonly string[];
  timeoutSeconds: number;
  format?: string | undefined;
}

export interface LsOutcome {
  rows: LsRow[];
  /** What goes to stdout, all of it (also when `error` is set: a template fails part way). */
  stdout: string;
  /** A --format template that failed on a row; the command exits 1 with it. */
  error?: Error;
}

/**
 * Lists `listing`'s machines as `ls` shows them. Unreadable machines are named on stderr for `-q`
 * and filtered lists (docker-machine dropped them silently). `release` is called as soon as no
 * driver or engine is needed any more, so they are let go while the output is rendered.
 */
export async function listForLs(
  ctx: BerthContext,
  options: LsOptions,
  listing: Promise<MachineListEntry[]>,
  release: () => void,
): Promise<LsOutcome> {
  const filters = parseLsFilters(options.filter);
  const entries = await listing;
  const loaded = entries.flatMap((entry) => (entry.ok ? [entry.machine] : []));
  if (options.quiet || render.hasFilters(filters)) reportUnreadable(entries);
  const timeoutMs = options.timeoutSeconds * 1000;

  // Filters that need no state run first; `state=` needs every remaining machine probed.
  const subjects = loaded.map((record) => ({ record, ...subject(record) }));
  const preFiltered = filterLs(subjects, { ...filters, state: [] });
  if (options.quiet && !needsState(filters)) {
    return { rows: [], stdout: render.renderLsQuiet(preFiltered.map((s) => s.Name)) };
  }
  const probed = await Promise.all(
    preFiltered.map(async (s) => ({ ...s, probe: await probeMachine(ctx, s.record, timeoutMs) })),
  );
  release();
  const passing = render.filterLs(
    probed.map((p) => ({ ...p, State: p.probe.state })),
    { ...filters, driver: [], name: [], swarm: [], label: [] },
  );
  if (options.quiet) return { rows: [], stdout: render.renderLsQuiet(passing.map((p) => p.Name)) };
  // `*` marks the machine plain `docker` talks to: DOCKER_HOST, or the current context (`berth use`).
  const dockerHost = await dockerHostInEffect(process.env);
  const rows: LsRow[] = passing.map((p) => toRow(p.record, p.probe, dockerHost));
  if (!render.hasFilters(filters)) {
    for (const entry of entries) {
      if (!entry.ok) rows.push(unreadableRow(entry.name, entry.error.message));
    }
  }
  const masters = render.swarmMasters(subjects);
  if (options.format === 'json') return { rows, stdout: render.renderLsJson(rows, { swarmMasters: masters }) };
  const result = render.renderLs(rows, {
    ...(options.format ? { format: options.format } : {}),
    swarmMasters: masters,
  });
  return { rows, stdout: result.stdout, ...(result.error ? { error: result.error } : {}) };
}

function subject(record: MachineRecord) {
  const options = record.config.HostOptions;
  return {
    Name: record.name,
    DriverName: record.config.DriverName,
    SwarmOptions: options.SwarmOptions,
    SwarmMode: swarmMembershipOf(record.config),
    EngineOptions: options.EngineOptions,
  };
}

function toRow(record: MachineRecord, probe: MachineProbe, dockerHost: string | undefined): LsRow {
  if (probe.timedOut) {
    return {
      Name: record.name,
      Active: '',
      ActiveHost: false,
      ActiveSwarm: false,
      DriverName: record.config.DriverName,
      State: 'Timeout',
      URL: '',
      Error: '',
      DockerVersion: '',
      ResponseTime: probe.responseTimeMs,
      LastKnown: probe.lastKnown && { State: probe.lastKnown.state, At: probe.lastKnown.at },
      SwarmMode: swarmMembershipOf(record.config),
    };
  }
  const swarm = record.config.HostOptions.SwarmOptions;
  return {
    Name: record.name,
    ...render.activeMarkers({
      state: probe.state,
      url: probe.url,
      dockerHost,
      swarmMaster: swarm.Master,
      swarmHost: swarm.Host,
    }),
    DriverName: probe.driverName,
    State: probe.state,
    URL: probe.url,
    SwarmOptions: swarm,
    EngineOptions: record.config.HostOptions.EngineOptions,
    Error: probe.error,
    DockerVersion: probe.dockerVersion,
    ResponseTime: probe.responseTimeMs,
    SwarmMode: swarmMembershipOf(record.config),
  };
}

/** The row of a machine whose config.json could not be read. */
export function unreadableRow(name: string, message: string): LsRow {
  return {
    Name: name,
    Active: '',
    ActiveHost: false,
    ActiveSwarm: false,
    DriverName: 'not found',
    State: 'Error',
    URL: '',
    Error: message.replace(/\n/g, ''),
    DockerVersion: '',
    ResponseTime: 0,
    ConfigUnreadable: true,
  };
}

/** On stderr, each machine whose config could not be read, and what to do about it. Exit stays 0. */
function reportUnreadable(entries: readonly MachineListEntry[]): void {
  let text = '';
  for (const entry of entries) {
    if (entry.ok) continue;
    text += `Could not read machine "${entry.name}": ${entry.error.message.replace(/\n/g, ' ')}\n`;
    for (const action of entry.error.actions) text += `  ${action}\n`;
  }
  process.stderr.write(text);
}
