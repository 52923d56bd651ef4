import { describe, expect, it } from 'vitest';
import { encodeGoJson, GoJsonError, GoStringer, GoStruct } from '../../../src/index.js';

describe('encodeGoJson (Go encoding/json)', () => {
  it('sorts map keys and writes compactly', () => {
    expect(encodeGoJson({ b: 1, a: [true, null], c: 'x' })).toBe('{"a":[true,null],"b":1,"c":"x"}');
  });

  it('keeps insertion order when asked (a struct read back from a file)', () => {
    expect(encodeGoJson({ b: 1, a: 2 }, { sortMapKeys: false })).toBe('{"b":1,"a":2}');
  });

  it('indents like MarshalIndent, keeping empty containers compact', () => {
    expect(encodeGoJson({ a: [], b: {}, c: [1, { d: null }] }, { indent: '    ' })).toBe(
      '{\n    "a": [],\n    "b": {},\n    "c": [\n        1,\n        {\n            "d": null\n        }\n    ]\n}',
    );
  });

  it('escapes HTML characters, controls and line separators as Go does', () => {
    expect(encodeGoJson('<a href="x">&</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    expect(encodeGoJson('\u0001\b\f\n\r\t\\')).toBe('"\\u0001\\u0008\\u000c\\n\\r\\t\\\\"');
    expect(encodeGoJson('\u2028\u2029é\u007f')).toBe('"\\u2028\\u2029é\u007f"');
  });

  it('writes float64 numbers in Go notation and ints exactly', () => {
    expect(encodeGoJson([1e21, 1e20, 1e-7, 0.000001, 0.1, -0, 2376, 12345678901234567890n])).toBe(
      '[1e+21,100000000000000000000,1e-7,0.000001,0.1,-0,2376,12345678901234567890]',
    );
  });

  it('encodes structs by field (JSON tag names), nil pointers as null, stringers as their value', () => {
    const options = new GoStruct('*engine.Options', [
      { name: 'DNS', jsonName: 'Dns', value: [] },
      { name: 'TLSVerify', jsonName: 'TlsVerify', value: true },
    ]);
    const item = new GoStruct('commands.HostListItem', [
      { name: 'Zed', value: new GoStringer('state.State', 'Running', 1) },
      { name: 'Engine', value: options },
      { name: 'Swarm', value: new GoStruct('*swarm.Options', [], { nil: true }) },
    ]);
    expect(encodeGoJson(item)).toBe('{"Zed":1,"Engine":{"Dns":[],"TlsVerify":true},"Swarm":null}');
  });

  it('leaves out members set to undefined, as JSON.stringify does', () => {
    expect(encodeGoJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });

  it('rejects NaN and infinities', () => {
    expect(() => encodeGoJson(Number.NaN)).toThrow(GoJsonError);
  });
});
