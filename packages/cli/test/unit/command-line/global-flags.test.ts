import { describe, expect, it } from 'vitest';
import { parseGlobalFlags } from '../../../src/global-flags.js';

// Docker Machine's global options, read by the same tokenizer as the commands' flags in Go's
// style: before the command only, `-name` as well as `--name`, `-name=value` for booleans too.
describe('parseGlobalFlags', () => {
  it.each([
    [['ls'], ['ls'], {}],
    [['-s', '/tmp/a', 'ls', '-q'], ['ls', '-q'], { MACHINE_STORAGE_PATH: '/tmp/a' }],
    [['--storage-path=/tmp/b', 'ls'], ['ls'], { MACHINE_STORAGE_PATH: '/tmp/b' }],
    [['-storage-path', '/tmp/c', 'ls'], ['ls'], { MACHINE_STORAGE_PATH: '/tmp/c' }],
    [['-s', '-x', 'ls'], ['ls'], { MACHINE_STORAGE_PATH: '-x' }],
    [['--debug', 'ls'], ['ls'], { MACHINE_DEBUG: 'true' }],
    [['-D', 'ls'], ['ls'], { MACHINE_DEBUG: 'true' }],
    [['-debug=false', 'ls'], ['ls'], { MACHINE_DEBUG: 'false' }],
    [['ls', '--debug'], ['ls', '--debug'], { MACHINE_DEBUG: 'true' }],
    [
      ['--native-ssh', '--tls-ca-cert', 'ca.pem', 'env'],
      ['env'],
      { MACHINE_NATIVE_SSH: 'true', MACHINE_TLS_CA_CERT: 'ca.pem' },
    ],
    [['-v'], ['version'], {}],
    [['--version', 'web'], ['version', 'web'], {}],
    [['-help', 'ls'], ['--help'], {}],
    [['--', 'ls'], ['--', 'ls'], {}],
    [['-', 'ls'], ['-', 'ls'], {}],
  ])('%j → %j %j', (argv, rest, env) => {
    expect(parseGlobalFlags(argv)).toEqual({ argv: rest, env });
  });

  it.each([
    [['-s'], 'flag needs an argument: -s'],
    [['--bogus', 'ls'], 'flag provided but not defined: --bogus'],
    [['--bogus=1', 'ls'], 'flag provided but not defined: --bogus'],
    [['-Dx', 'ls'], 'flag provided but not defined: -Dx'],
    [['--s', 'x', 'ls'], 'flag provided but not defined: --s'],
  ])('%j is refused: %s', (argv, error) => {
    expect(parseGlobalFlags(argv)).toMatchObject({ argv: [], error });
  });
});
