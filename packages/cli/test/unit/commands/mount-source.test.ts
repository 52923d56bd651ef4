import { describe, expect, it } from 'vitest';
import { parseMountSource } from '../../../src/commands/mount.js';

describe('mount [[user@]machine:][path]', () => {
  it('reads the machine, the login and the path', () => {
    expect(parseMountSource('web:/srv/app')).toEqual({ machine: 'web', path: '/srv/app' });
    expect(parseMountSource('docker@web:/srv')).toEqual({ machine: 'web', user: 'docker', path: '/srv' });
    expect(parseMountSource('web:')).toEqual({ machine: 'web', path: '' });
  });

  it('takes the machine called default when no machine is named, as docker-machine did', () => {
    expect(parseMountSource('/home/docker')).toEqual({ machine: 'default', path: '/home/docker' });
  });

  it('keeps colons after the first one in the path', () => {
    expect(parseMountSource('web:/data/a:b')).toEqual({ machine: 'web', path: '/data/a:b' });
  });
});
