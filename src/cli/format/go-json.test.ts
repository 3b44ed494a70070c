import { describe, expect, it } from 'vitest';
import { JsonMarshalError, marshal, marshalIndent, marshalString } from './go-json.js';
import { goStruct } from './go-value.js';

// Expected strings were printed by Go's encoding/json for the equivalent Go value.
function inspectLike() {
  return goStruct('types.ImageInspect', {
    Id: 'sha256:abc',
    Labels: { z: '1', a: '<b>&' },
    Cmd: ['sh', '-c', 'echo > /x && true'],
    State: goStruct('types.State', { Status: 'running', Running: true, Pid: 42, Health: null }),
    Empty: [],
    Nested: { m: {}, n: null, f: 1.5, s: '\u2028\t\x01é😀' },
  });
}

describe('marshal', () => {
  it('keeps struct field order, sorts map keys and escapes HTML like json.Marshal', () => {
    expect(marshal(inspectLike())).toBe(
      '{"Id":"sha256:abc","Labels":{"a":"\\u003cb\\u003e\\u0026","z":"1"},"Cmd":["sh","-c","echo \\u003e /x \\u0026\\u0026 true"],' +
        '"State":{"Status":"running","Running":true,"Pid":42,"Health":null},"Empty":[],' +
        '"Nested":{"f":1.5,"m":{},"n":null,"s":"\\u2028\\t\\u0001é😀"}}',
    );
  });

  it('leaves <, > and & alone when HTML escaping is off, as docker\'s json func does', () => {
    expect(marshal({ p: '0.0.0.0:2->8/udp && x' }, { escapeHTML: false })).toBe('{"p":"0.0.0.0:2->8/udp && x"}');
  });

  it('writes numbers as Go does, switching to exponents below 1e-6 and from 1e21', () => {
    expect(marshal([1.5, 1e-6, 1e-7, 123456789012, 0.1, 1e21, 2.5e-7])).toBe('[1.5,0.000001,1e-7,123456789012,0.1,1e+21,2.5e-7]');
  });

  it('uses Go 1.22+ short escapes for backspace and form feed', () => {
    expect(marshalString('\b\f\n\r\t"\\')).toBe('"\\b\\f\\n\\r\\t\\"\\\\"');
  });

  it('turns lone surrogates into U+FFFD as Go does with invalid UTF-8', () => {
    expect(marshalString('a\ud800b')).toBe('"a\\ufffdb"');
  });

  it('honours toJSON, skips undefined entries and rejects what Go rejects', () => {
    expect(marshal({ t: { toJSON: () => 'x' }, u: undefined })).toBe('{"t":"x"}');
    expect(() => marshal(NaN)).toThrow(new JsonMarshalError('json: unsupported value: NaN'));
    expect(() => marshal({ f: () => 1 })).toThrow(JsonMarshalError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => marshal(cyclic)).toThrow(/cycle/);
  });
});

describe('marshalIndent', () => {
  it('lays out like json.MarshalIndent, with empty containers kept on one line', () => {
    expect(marshalIndent(inspectLike(), '', '    ')).toBe(
      [
        '{',
        '    "Id": "sha256:abc",',
        '    "Labels": {',
        '        "a": "\\u003cb\\u003e\\u0026",',
        '        "z": "1"',
        '    },',
        '    "Cmd": [',
        '        "sh",',
        '        "-c",',
        '        "echo \\u003e /x \\u0026\\u0026 true"',
        '    ],',
        '    "State": {',
        '        "Status": "running",',
        '        "Running": true,',
        '        "Pid": 42,',
        '        "Health": null',
        '    },',
        '    "Empty": [],',
        '    "Nested": {',
        '        "f": 1.5,',
        '        "m": {},',
        '        "n": null,',
        '        "s": "\\u2028\\t\\u0001é😀"',
        '    }',
        '}',
      ].join('\n'),
    );
    expect(marshalIndent([], '> ', '\t')).toBe('[]');
    expect(marshalIndent({ a: [1, {}] }, '', '  ')).toBe('{\n  "a": [\n    1,\n    {}\n  ]\n}');
  });
});
