import { unreadableRow } from '../../../src/ls-listing.js';
import type { LsRow } from '../../../src/render/index.js';
import { fixtureStoreFile } from './fixtures.js';

/** The `ls` rows docker-machine showed for the fixture store, built from its config.json files. */
interface StoredConfig {
  HostOptions: { SwarmOptions: LsRow['SwarmOptions']; EngineOptions: LsRow['EngineOptions'] };
}

function stored(name: string): StoredConfig {
  return JSON.parse(fixtureStoreFile(`machines/${name}/config.json`)) as StoredConfig;
}

export function dmGenericRow(): LsRow {
  const config = stored('dm-generic');
  return {
    Name: 'dm-generic',
    Active: '-',
    ActiveHost: false,
    ActiveSwarm: false,
    DriverName: 'generic',
    State: 'Running',
    URL: 'tcp://172.17.0.5:2376',
    SwarmOptions: config.HostOptions.SwarmOptions,
    EngineOptions: config.HostOptions.EngineOptions,
    Error: '',
    DockerVersion: 'v20.10.24+dfsg1',
    ResponseTime: 41,
  };
}

export function legacyNoneRow(): LsRow {
  const config = stored('legacy-none');
  return {
    Name: 'legacy-none',
    Active: '-',
    ActiveHost: false,
    ActiveSwarm: false,
    DriverName: 'none',
    State: 'Running',
    URL: 'tcp://127.0.0.1:12376',
    SwarmOptions: config.HostOptions.SwarmOptions,
    EngineOptions: config.HostOptions.EngineOptions,
    Error: 'Unable to query docker version: Cannot connect to the docker engine endpoint',
    DockerVersion: 'Unknown',
    ResponseTime: 3,
  };
}

/** A machine whose config.json could not be read. */
export function brokenRow(): LsRow {
  return unreadableRow('broken', 'Error getting migrated host: unexpected end of JSON input');
}

/** A machine whose state query hit the `--timeout`. */
export function timeoutRow(name: string, timeoutMs: number): LsRow {
  return {
    Name: name,
    Active: '',
    ActiveHost: false,
    ActiveSwarm: false,
    DriverName: 'none',
    State: 'Timeout',
    URL: '',
    Error: '',
    DockerVersion: '',
    ResponseTime: timeoutMs,
  };
}
