import type { MachineProbe } from '@berth/core/machine';
import { probeMachine } from '@berth/core/machine';
import type { MachineListEntry, MachineRecord } from '@berth/core/store';
import { listMachines, swarmMembershipOf } from '@berth/core/store';
import { Flags } from '@oclif/core';
import { BerthCommand } from '../base-command.js';
import { takeEarlyListing } from '../early-context.js';
import type { LsRow } from '../render/index.js';
import * as render from '../render/index.js';
import { filterLs, needsState, parseLsFilters } from '../render/ls-filter.js';

export default class Ls extends BerthCommand {
  static override summary = 'List machines';
  static override examples = [
    "<%= config.bin %> <%= command.id %> --filter driver=generic --format '{{.Name}} {{.URL}}'",
  ];
  static override flags = {
    quiet: Flags.boolean({ char: 'q', summary: 'Enable quiet mode' }),
    filter: Flags.string({ summary: 'Filter output based on conditions provided', multiple: true }),
    timeout: Flags.integer({ char: 't', summary: 'Timeout in seconds, default to 10s', default: 10 }),
    format: Flags.string({
      char: 'f',
      summary: 'Pretty-print machines using a Go template, or `json` for one JSON object per machine',
    }),
  };

  async run(): Promise<LsRow[]> {
    const { flags } = await this.parse(Ls);
    const filters = parseLsFilters(flags.filter ?? []);
    const ctx = await this.context();
    // bin/run.js may have listed the store already, to start the drivers early.
    const listing = takeEarlyListing() ?? listMachines(ctx.store);
    listing.catch(() => undefined); // its error is thrown by the await below
    const entries = await listing;
    const loaded = entries.flatMap((entry) => (entry.ok ? [entry.machine] : []));
    // docker-machine dropped unreadable machines silently from `-q` and filtered lists; Berth names them.
    if (flags.quiet || render.hasFilters(filters)) reportUnreadable(entries);
    const timeoutMs = flags.timeout * 1000;
    const probe = (record: MachineRecord) => probeMachine(ctx, record, timeoutMs);

    // Filters that need no state run first; `state=` needs every remaining machine probed.
    const subjects = loaded.map((record) => ({ record, ...subject(record) }));
    const preFiltered = filterLs(subjects, { ...filters, state: [] });
    if (flags.quiet && !needsState(filters)) {
      process.stdout.write(render.renderLsQuiet(preFiltered.map((s) => s.Name)));
      return [];
    }
    const probed = await Promise.all(preFiltered.map(async (s) => ({ ...s, probe: await probe(s.record) })));
    // Nothing below needs a driver or an engine: they are let go while the output is rendered.
    this.releaseContext();
    const passing = render.filterLs(
      probed.map((p) => ({ ...p, State: p.probe.state })),
      { ...filters, driver: [], name: [], swarm: [], label: [] },
    );
    if (flags.quiet) {
      process.stdout.write(render.renderLsQuiet(passing.map((p) => p.Name)));
      return [];
    }
    const dockerHost = process.env.DOCKER_HOST;
    const rows: LsRow[] = passing.map((p) => toRow(p.record, p.probe, dockerHost, render.activeMarkers));
    if (!render.hasFilters(filters)) {
      for (const entry of entries) {
        if (!entry.ok) rows.push(errorRow(entry.name, entry.error.message));
      }
    }
    const masters = render.swarmMasters(subjects);
    if (flags.format === 'json') {
      process.stdout.write(render.renderLsJson(rows, { swarmMasters: masters }));
      return rows;
    }
    const result = render.renderLs(rows, { ...(flags.format ? { format: flags.format } : {}), swarmMasters: masters });
    process.stdout.write(result.stdout);
    if (result.error) this.error(result.error.message, { exit: 1 });
    return rows;
  }
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

type ActiveMarkersFn = typeof import('../render/index.js').activeMarkers;

function toRow(
  record: MachineRecord,
  probe: MachineProbe,
  dockerHost: string | undefined,
  markers: ActiveMarkersFn,
): LsRow {
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
    ...markers({ state: probe.state, url: probe.url, dockerHost, swarmMaster: swarm.Master, swarmHost: swarm.Host }),
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

function errorRow(name: string, message: string): LsRow {
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
