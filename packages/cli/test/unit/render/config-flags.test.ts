import { describe, expect, it } from 'vitest';
import { machineTlsPaths, renderConfigFlags } from '../../../src/render/index.js';
import { fixtureStdout } from './fixtures.js';

describe('config', () => {
  it('matches config-dm-generic', () => {
    const paths = machineTlsPaths('/home/dmuser/.docker/machine/machines/dm-generic');
    expect(renderConfigFlags({ ...paths, dockerHost: 'tcp://172.17.0.5:2376' })).toBe(
      fixtureStdout('config-dm-generic'),
    );
  });

  it('Go-quotes paths, escaping backslashes and quotes', () => {
    const out = renderConfigFlags({
      caCertPath: 'C:\\Users\\me\\ca.pem',
      certPath: 'a"b',
      keyPath: 'tab\there',
      dockerHost: 'tcp://1.2.3.4:2376',
    });
    expect(out).toBe(
      '--tlsverify\n--tlscacert="C:\\\\Users\\\\me\\\\ca.pem"\n--tlscert="a\\"b"\n--tlskey="tab\\there"\n-H=tcp://1.2.3.4:2376\n',
    );
  });
});
