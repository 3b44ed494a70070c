import { describe, expect, it } from 'vitest';
import { GoNil, goStruct } from './go-value.js';
import { TemplateError, clearTemplateCache, parseTemplate, renderInspectTemplate, renderTemplate } from './template.js';

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
}

describe('printing values as Go prints them', () => {
  it('prints slices, maps (sorted), booleans and numbers like fmt', () => {
    const data = { L: ['a', 'b', 'c'], M: new Map([['z', 1], ['a', 2]]), B: true, N: 1982583, F: 0.5, Big: 2n ** 63n - 1n };
    expect(renderTemplate('{{.L}} {{.M}} {{.B}} {{.N}} {{.F}} {{.Big}}', data)).toBe(
      '[a b c] map[a:2 z:1] true 1982583 0.5 9223372036854775807',
    );
  });

  it('prints <no value> for a missing map entry and <nil> for a nil struct pointer', () => {
    expect(renderTemplate('{{.Missing}}', {})).toBe('<no value>');
    const state = goStruct('*types.ContainerState', { Status: 'running', Health: null });
    expect(renderTemplate('{{.Health}} {{.Status}}', state)).toBe('<nil> running');
    expect(renderTemplate('{{.}}', [new GoNil(), null])).toBe('[<nil> <nil>]');
  });
});

describe('errors', () => {
  it('reports a missing key with Go wording when missingkey=error', () => {
    const e = errorOf(() => renderTemplate('{{.Nope}}', {}, { missingKey: 'error' }));
    expect(e.message).toBe('template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"');
    expect(e.phase).toBe('exec');
  });

  it('names the struct type when a field does not exist', () => {
    const ctx = goStruct('*formatter.ContainerContext', { ID: 'abc' });
    expect(errorOf(() => renderTemplate('{{.ID}} {{.Nope}}', ctx)).message).toBe(
      'template: :1:10: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext',
    );
  });

  it('keeps what was printed before the failure, as Go leaves it in the writer', () => {
    expect(errorOf(() => renderTemplate('ok {{index .L 3}}', { L: [] })).output).toBe('ok ');
  });

  it('reports parse errors with the line', () => {
    const e = errorOf(() => renderTemplate('a\n{{foo}}', {}));
    expect(e.message).toBe('template: :2: function "foo" not defined');
    expect(e.phase).toBe('parse');
  });
});

describe('structs and methods', () => {
  it('calls getters and methods with arguments, as docker calls its context methods', () => {
    class ContainerContext {
      constructor(private readonly labels: Record<string, string>) {}
      get Names() {
        return 'web';
      }
      Label(key: string) {
        return this.labels[key] ?? '';
      }
    }
    const c = new ContainerContext({ 'com.example.tier': 'front' });
    expect(renderTemplate('{{.Names}} {{.Label "com.example.tier"}} {{.Label "nope"}}', c)).toBe('web front ');
    expect(errorOf(() => renderTemplate('{{.Nope}}', c)).message).toContain('in type ContainerContext');
  });

  it('rejects arguments given to a plain field', () => {
    expect(errorOf(() => renderTemplate('{{.ID 1}}', goStruct('T', { ID: 'x' }))).message).toBe(
      'template: :1:2: executing "" at <.ID>: ID has arguments but cannot be invoked as function',
    );
  });
});

describe('newer Go behaviour Layerlab follows on purpose', () => {
  it('ranges over an integer (Go 1.22)', () => {
    expect(renderTemplate('{{range 3}}{{.}}{{end}}', null)).toBe('012');
  });

  it('accepts {{else with}} (Go 1.23)', () => {
    expect(renderTemplate('{{with .A}}a{{else with .B}}b{{.}}{{end}}', { B: 'z' })).toBe('bz');
  });

  it('joins an array of strings, which stands for a Go []string', () => {
    expect(renderTemplate('{{join .Cmd " "}}', { Cmd: ['sh', '-c', 'make'] })).toBe('sh -c make');
    expect(errorOf(() => renderTemplate('{{join .L ","}}', { L: [1] })).message).toBe(
      'template: :1:7: executing "" at <.L>: wrong type for value; expected []string; got []interface {}',
    );
  });

  it('does not HTML-escape in {{json}}, like docker (GitHub #32120)', () => {
    expect(renderTemplate('{{json .Ports}}', { Ports: '0.0.0.0:2->8/udp' })).toBe('"0.0.0.0:2->8/udp"');
    expect(renderTemplate('{{.X | json}}', { X: { b: [1, 'x'], a: null } })).toBe('{"a":null,"b":[1,"x"]}');
  });
});

describe('parseTemplate', () => {
  it('caches parsed templates by text', () => {
    clearTemplateCache();
    expect(parseTemplate('{{.A}}')).toBe(parseTemplate('{{.A}}'));
    expect(parseTemplate('{{.A}}')).not.toBe(parseTemplate('{{.B}}'));
  });

  it('accepts extra functions, known at parse time', () => {
    const funcs = { shout: { params: ['string' as const], call: ([s]: unknown[]) => `${s}!` } };
    expect(renderTemplate('{{shout .A}}', { A: 'hi' }, { funcs })).toBe('hi!');
    expect(errorOf(() => renderTemplate('{{shout .A}}', { A: 'hi' })).message).toBe('template: :1: function "shout" not defined');
  });
});

describe('renderInspectTemplate', () => {
  const image = goStruct('types.ImageInspect', { Id: 'sha256:abc', Config: { Labels: { a: '1' } }, Size: 1024 });

  it('uses the typed object when the template fits it', () => {
    expect(renderInspectTemplate('{{.Id}} {{.Config.Labels.a}} {{.Size}}', image)).toBe('sha256:abc 1 1024');
  });

  it('falls back to the raw JSON with missingkey=error, wording errors as docker inspect does', () => {
    expect(errorOf(() => renderInspectTemplate('{{.Nope}}', image)).message).toBe(
      'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"',
    );
    expect(errorOf(() => renderInspectTemplate('{{.Id', image)).message).toBe('template parsing error: template: :1: unclosed action');
  });
});

describe('Go visibility rules on structs', () => {
  class ImageContext {
    constructor(private readonly id: string) {}
    get ID() {
      return this.id;
    }
  }

  it('refuses unexported (lower-case) fields and never calls the constructor', () => {
    expect(errorOf(() => renderTemplate('{{.id}}', new ImageContext('x'))).message).toBe(
      'template: :1:2: executing "" at <.id>: id is an unexported field of struct type ImageContext',
    );
    expect(errorOf(() => renderTemplate('{{.constructor}}', new ImageContext('x'))).message).toContain("can't evaluate field constructor");
  });

  it('leaves unexported fields out of {{json}}', () => {
    expect(renderTemplate('{{json .}}', goStruct('T', { Name: 'a', secret: 's' }))).toBe('{"Name":"a"}');
  });
});
