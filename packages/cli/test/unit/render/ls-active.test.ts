import { describe, expect, it } from 'vitest';
import { activeMarkers, swarmColumn, swarmMasters, swarmUrl } from '../../../src/render/index.js';

describe('ls ACTIVE column', () => {
  const url = 'tcp://172.17.0.5:2376';

  it('is * when DOCKER_HOST is the machine URL and it runs', () => {
    expect(activeMarkers({ state: 'Running', url, dockerHost: url })).toEqual({
      Active: '*',
      ActiveHost: true,
      ActiveSwarm: false,
    });
    expect(activeMarkers({ state: 'Stopped', url, dockerHost: url }).Active).toBe('-');
    expect(activeMarkers({ state: 'Running', url, dockerHost: undefined }).Active).toBe('-');
  });

  it('is * (swarm) when DOCKER_HOST is the swarm master port', () => {
    const markers = activeMarkers({
      state: 'Running',
      url,
      dockerHost: 'tcp://172.17.0.5:3376',
      swarmMaster: true,
      swarmHost: 'tcp://0.0.0.0:3376',
    });
    expect(markers).toEqual({ Active: '* (swarm)', ActiveHost: false, ActiveSwarm: true });
  });

  it('swaps the port for the swarm URL', () => {
    expect(swarmUrl(url, 'tcp://0.0.0.0:3376')).toBe('tcp://172.17.0.5:3376');
  });
});

describe('ls SWARM column', () => {
  const hosts = [
    { Name: 'boss', SwarmOptions: { Discovery: 'token://a', Master: true } },
    { Name: 'node', SwarmOptions: { Discovery: 'token://a', Master: false } },
    { Name: 'solo', SwarmOptions: { Discovery: '', Master: false } },
    { Name: 'loose', SwarmOptions: null },
  ];
  const masters = swarmMasters(hosts);

  it('names the master of the discovery URL', () => {
    expect(hosts.map((h) => swarmColumn(h, masters))).toEqual(['boss (master)', 'boss', '', '']);
  });
});
