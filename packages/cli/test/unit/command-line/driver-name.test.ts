import { describe, expect, it } from 'vitest';
import { driverNameFromArgv } from '../../../src/create-flags.js';

describe('driverNameFromArgv: the driver of a create, read before its flags are known', () => {
  it.each([
    [['-d', 'generic', 'web'], {}, 'generic'],
    [['--driver=none', 'web'], {}, 'none'],
    [['-dnone', 'web'], {}, 'none'],
    [['--generic-ip-address', '10.0.0.5', '-d', 'generic', 'web'], {}, 'generic'],
    [['--engine-label', 'a=b', '--driver', 'digitalocean'], {}, 'digitalocean'],
    [['web'], { MACHINE_DRIVER: 'amazonec2' }, 'amazonec2'],
    [['web'], {}, 'virtualbox'],
    [['-d'], {}, ''],
    [['--', '-d', 'none'], {}, 'virtualbox'],
  ])('%j %j → %s', (argv, env, driver) => {
    expect(driverNameFromArgv(argv, env)).toBe(driver);
  });
});
