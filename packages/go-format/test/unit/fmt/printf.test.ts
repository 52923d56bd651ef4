import { describe, expect, it } from 'vitest';
import { formatArg, GoStringer, GoStruct, sprint, sprintf, sprintln } from '../../../src/index.js';

const duration = new GoStringer('time.Duration', '1s', 1_000_000_000n);

describe('sprintf (Go fmt.Sprintf)', () => {
  it.each([
    ['%d', [42n], '42'],
    ['%5d|%-5d|%05d', [42n, 42n, 42n], '   42|42   |00042'],
    ['%+d %d', [5n, -5n], '+5 -5'],
    ['%05d', [-42n], '-0042'],
    ['%.3d', [7n], '007'],
    ['%x %X %o %b %#x %O', [255n, 255n, 255n, 5n, 255n, 8n], 'ff FF 377 101 0xff 0o10'],
    ['%c %q %U', [65n, 65n, 0x1f600n], "A 'A' U+1F600"],
    ['%s', ['hi'], 'hi'],
    ['%10s|%-10s|', ['hi', 'hi'], '        hi|hi        |'],
    ['%.2s', ['hello'], 'he'],
    ['%q', ['a"b'], '"a\\"b"'],
    ['%x %X', ['hi', 'hi'], '6869 6869'],
    ['%t %v', [true, false], 'true false'],
    ['%.2f', [2.34567], '2.35'],
    ['%8.3f', [2.34567], '   2.346'],
    ['%08.3f', [-2.34567], '-002.346'],
    ['%+.1f', [2.0], '+2.0'],
    ['%e', [1234.5678], '1.234568e+03'],
    ['%E', [1234.5678], '1.234568E+03'],
    ['%g', [0.000012], '1.2e-05'],
    ['%v', [1e6], '1e+06'],
    ['%.2v', [2.34567], '2.3'],
    ['%v', [[1n, 'a', null]], '[1 a <nil>]'],
    ['%s', [['a', 'b']], '[a b]'],
    ['%d', [['a']], '[%!d(string=a)]'],
    ['%v', [{ b: 1, a: 'x' }], 'map[a:x b:1]'],
    ['%v %d %s', [duration, duration, duration], '1s 1000000000 1s'],
    ['%v', [null], '<nil>'],
    ['%s', [null], '%!s(<nil>)'],
    ['%d', ['x'], '%!d(string=x)'],
    ['%f', [3n], '%!f(int=3)'],
    ['%z', [1n], '%!z(int=1)'],
    ['%d', [], '%!d(MISSING)'],
    ['%d', [1n, 2n, 'x'], '1%!(EXTRA int=2, string=x)'],
    ['100%%', [], '100%'],
    ['%*d|%-*d|', [5n, 42n, 4n, 7n], '   42|7   |'],
    ['%', [], '%!(NOVERB)'],
    ['%ü', ['x'], '%!ü(string=x)'],
  ] as const)('formats %s (case %#)', (format, args, text) => {
    expect(sprintf(format, args)).toBe(text);
  });

  it('prints whole float64 numbers with %d, where Go would refuse', () => {
    expect(sprintf('%d %d', [22, 1.5])).toBe('22 %!d(float64=1.5)');
  });
});

describe('sprint and sprintln', () => {
  it('puts spaces only between two non-strings', () => {
    expect(sprint(['a', 1n, 2n, 'b'])).toBe('a1 2b');
    expect(sprint([1.5, true])).toBe('1.5 true');
    expect(sprint([])).toBe('');
  });

  it('always separates and ends with a newline', () => {
    expect(sprintln(['a', 1n])).toBe('a 1\n');
    expect(sprintln([])).toBe('\n');
  });
});

describe('formatArg for structs', () => {
  const inner = new GoStruct('*swarm.Options', [{ name: 'Host', value: 'tcp://0.0.0.0:3376' }]);
  const item = new GoStruct('commands.HostListItem', [
    { name: 'Name', value: 'dev' },
    { name: 'Active', value: '' },
    { name: 'SwarmOptions', value: inner },
    { name: 'ResponseTime', value: duration },
  ]);

  it('prints fields in order, empty strings included', () => {
    expect(formatArg(item, 'v')).toBe('{dev  &{tcp://0.0.0.0:3376} 1s}');
  });

  it('names fields with %+v', () => {
    expect(formatArg(item, 'v', { plus: true })).toBe(
      '{Name:dev Active: SwarmOptions:&{Host:tcp://0.0.0.0:3376} ResponseTime:1s}',
    );
  });

  it('prints a nil pointer as <nil>', () => {
    expect(formatArg(new GoStruct('*swarm.Options', [], { nil: true }), 'v')).toBe('<nil>');
  });
});
