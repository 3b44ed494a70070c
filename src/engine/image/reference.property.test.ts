/**
 * Properties of reference parsing against the distribution/reference grammar
 * (docker 20.10): generated valid references parse and round-trip to their
 * familiar form; generated invalid ones fail with Docker's messages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { familiarString, normalizeTagged, parseReference } from './reference.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const WORD = LOWER + LOWER.toUpperCase() + DIGITS + '_';

const chars = (set: string, minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...set), minLength, maxLength });

/** `[a-z0-9]+` */
const alnum = chars(LOWER + DIGITS, 1, 6);
/** One path component: alnum runs joined by `.`, `_`, `__` or `-+`. */
const component = fc
  .tuple(alnum, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '--', '---'), alnum), { maxLength: 3 }))
  .map(([head, rest]) => head + rest.map(([s, a]) => s + a).join(''));
/** Path components; a leading `library` with two components is the official-image form, covered by examples. */
const components = fc.array(component, { minLength: 1, maxLength: 4 }).filter((cs) => cs[0] !== 'library');
/** A domain label: `[a-z0-9]` or `[a-z0-9][a-z0-9-]*[a-z0-9]`. */
const label = fc.oneof(chars(LOWER + DIGITS, 1, 1), fc.tuple(chars(LOWER + DIGITS, 1, 1), chars(LOWER + DIGITS + '-', 0, 6), chars(LOWER + DIGITS, 1, 1)).map((p) => p.join('')));
const port = fc.integer({ min: 1, max: 65535 }).map((p) => `:${p}`);
/** A registry host: localhost, a dotted name, or any label with a port. */
const host = fc
  .oneof(
    fc.constant('localhost'),
    port.map((p) => `localhost${p}`),
    fc.tuple(fc.array(label, { minLength: 2, maxLength: 4 }), fc.option(port, { nil: '' })).map(([ls, p]) => ls.join('.') + p),
    fc.tuple(label, port).map(([l, p]) => l + p),
  )
  .filter((h) => h !== 'docker.io' && h !== 'index.docker.io');
const tag = fc.tuple(chars(WORD, 1, 1), chars(WORD + '.-', 0, 127)).map(([a, b]) => a + b);
const digest = chars(HEX, 64, 64).map((h) => `sha256:${h}`);

interface Parts {
  host?: string;
  comps: string[];
  tag?: string;
  digest?: string;
}
const parts = fc.record({ host: fc.option(host, { nil: undefined }), comps: components, tag: fc.option(tag, { nil: undefined }), digest: fc.option(digest, { nil: undefined }) });

const render = (p: Parts) => (p.host ? `${p.host}/` : '') + p.comps.join('/') + (p.tag ? `:${p.tag}` : '') + (p.digest ? `@${p.digest}` : '');

/** The registry Docker sees: the given host, else a first component that looks like one, else Docker Hub. */
function expectedDomain(p: Parts): string {
  if (p.host) return p.host;
  const first = p.comps[0]!;
  // a first component that is not a valid host (a_b.c) stays part of the path, as Docker's grammar match does
  const hostOk = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/.test(first);
  if (p.comps.length > 1 && (first.includes('.') || first === 'localhost') && hostOk) return first;
  return 'docker.io';
}

/** The error message parseReference throws, or null when it parses. */
function errorOf(ref: string): string | null {
  try {
    parseReference(ref);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('parseReference on valid references', () => {
  it('parses every reference the grammar generates, keeping domain, tag and digest', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const r = parseReference(render(p));
        const domain = expectedDomain(p);
        expect(r.domain).toBe(domain);
        expect(r.tag).toBe(p.tag);
        expect(r.digest).toBe(p.digest);
        const path = (domain === p.host ? p.comps : domain === 'docker.io' ? p.comps : p.comps.slice(1)).join('/');
        expect(r.path).toBe(domain === 'docker.io' && !path.includes('/') ? `library/${path}` : path);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips familiarString to the reference as typed (no docker.io, no implicit latest)', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const x = render(p);
        expect(familiarString(parseReference(x))).toBe(x);
      }),
      { numRuns: 500 },
    );
  });

  it('normalizeTagged adds latest only when neither tag nor digest is given', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const x = render(p);
        expect(normalizeTagged(x)).toBe(p.tag || p.digest ? x : `${x}:latest`);
      }),
      { numRuns: 300 },
    );
  });

  it('drops docker.io/ and docker.io/library/ (also index.docker.io) from Docker Hub references', () => {
    fc.assert(
      fc.property(components, fc.option(tag, { nil: undefined }), (cs, t) => {
        const suffix = t ? `:${t}` : '';
        const official = cs[0]!;
        for (const prefix of ['docker.io', 'index.docker.io']) {
          expect(familiarString(parseReference(`${prefix}/library/${official}${suffix}`))).toBe(official + suffix);
          expect(familiarString(parseReference(`${prefix}/${official}${suffix}`))).toBe(official + suffix);
          if (cs.length > 1 && !cs[0]!.includes('.')) expect(familiarString(parseReference(`${prefix}/${cs.join('/')}${suffix}`))).toBe(cs.join('/') + suffix);
        }
        expect(parseReference(`docker.io/library/${official}${suffix}`)).toEqual(parseReference(official + suffix));
      }),
      { numRuns: 200 },
    );
  });

  it('accepts tags of exactly 128 characters and uppercase in tags and hosts', () => {
    const t128 = 'T' + 'a'.repeat(127);
    expect(parseReference(`app:${t128}`).tag).toBe(t128);
    expect(normalizeTagged('app:V1.0-RC_1')).toBe('app:V1.0-RC_1');
    expect(familiarString(parseReference('Registry.Example.COM:5000/team/app:v1'))).toBe('Registry.Example.COM:5000/team/app:v1');
  });

  it('treats localhost and hosts with . or : as registries, other first components as Docker Hub users', () => {
    const user = fc.tuple(label, components).filter(([l]) => l !== 'localhost');
    fc.assert(
      fc.property(user, ([first, cs]) => {
        const r = parseReference(`${first}/${cs.join('/')}`);
        expect(r.domain).toBe('docker.io');
        expect(r.path).toBe(`${first}/${cs.join('/')}`);
      }),
    );
    fc.assert(
      fc.property(host, components, (h, cs) => {
        const r = parseReference(`${h}/${cs.join('/')}`);
        expect(r.domain).toBe(h);
        expect(r.path).toBe(cs.join('/'));
      }),
    );
    expect(parseReference('localhost/app')).toMatchObject({ domain: 'localhost', path: 'app' });
    expect(parseReference('localhost')).toMatchObject({ domain: 'docker.io', path: 'library/localhost' });
    expect(parseReference('localhost:5000')).toMatchObject({ domain: 'docker.io', path: 'library/localhost', tag: '5000' });
    expect(parseReference('mirror.gcr.io/busybox')).toMatchObject({ domain: 'mirror.gcr.io', path: 'busybox' });
    expect(parseReference('s01/app:v1')).toMatchObject({ domain: 'docker.io', path: 's01/app', tag: 'v1' });
  });

  it('keeps library/ on a Docker Hub user path when it is the only prefix of two components', () => {
    expect(familiarString(parseReference('library/alpine:3.20'))).toBe('alpine:3.20');
    expect(normalizeTagged('docker.io/library/alpine')).toBe('alpine:latest');
  });
});

describe('parseReference on invalid references', () => {
  it('rejects an uppercase repository name with "must be lowercase"', () => {
    fc.assert(
      fc.property(parts, fc.nat(), (p, n) => {
        const path = p.comps.join('/');
        const letters = [...path].map((c, i) => (LOWER.includes(c) ? i : -1)).filter((i) => i >= 0);
        fc.pre(letters.length > 0);
        const i = letters[n % letters.length]!;
        const upper = path.slice(0, i) + path[i]!.toUpperCase() + path.slice(i + 1);
        const ref = render({ ...p, host: p.host ?? 'localhost:5000', comps: upper.split('/') });
        expect(errorOf(ref)).toBe('invalid reference format: repository name must be lowercase');
      }),
      { numRuns: 300 },
    );
    expect(errorOf('Alpine')).toBe('invalid reference format: repository name must be lowercase');
    expect(errorOf('s01/App:v1')).toBe('invalid reference format: repository name must be lowercase');
  });

  it('rejects tags longer than 128 characters or starting with . or -', () => {
    fc.assert(
      fc.property(parts, fc.tuple(chars(WORD, 1, 1), chars(WORD + '.-', 128, 200)), (p, [a, b]) => {
        expect(errorOf(render({ ...p, tag: a + b }))).toBe('invalid reference format');
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(parts, fc.constantFrom('.', '-'), chars(WORD, 0, 10), (p, first, rest) => {
        expect(errorOf(render({ ...p, digest: undefined, tag: first + rest }))).toBe('invalid reference format');
      }),
    );
  });

  it('rejects empty path components', () => {
    fc.assert(
      fc.property(parts, fc.nat(), (p, n) => {
        const comps = [...p.comps];
        comps.splice(n % (comps.length + 1), 0, '');
        expect(errorOf(render({ ...p, host: p.host ?? 'localhost:5000', comps }))).toBe('invalid reference format');
      }),
      { numRuns: 300 },
    );
    for (const bad of ['', ':v1', '/app', 'app/', 'a//b', 'localhost:5000/', 'localhost:5000//app']) expect(errorOf(bad), bad).toBe('invalid reference format');
  });

  it('rejects components with a leading, trailing or unknown separator', () => {
    fc.assert(
      fc.property(parts, fc.constantFrom('-x', 'x-', '.x', 'x.', '_x', 'x_', 'x___y', 'x..y', 'x._y', 'x+y', 'x!y'), fc.nat(), (p, bad, n) => {
        const comps = [...p.comps];
        comps[n % comps.length] = bad;
        expect(errorOf(render({ ...p, host: p.host ?? 'localhost:5000', comps }))).toBe('invalid reference format');
      }),
    );
  });

  it('rejects digests outside the grammar (short, non-hex, no algorithm)', () => {
    const badDigest = fc.oneof(
      chars(HEX, 0, 31).map((h) => `sha256:${h}`),
      fc.tuple(chars(HEX, 63, 63), fc.constantFrom('g', 'z', '-', 'x')).map(([h, c]) => `sha256:${c}${h}`),
      chars(HEX, 64, 64),
      fc.constant(''),
    );
    fc.assert(
      fc.property(parts, badDigest, (p, d) => {
        expect(errorOf(render({ ...p, digest: undefined }) + '@' + d)).toBe('invalid reference format');
      }),
      { numRuns: 300 },
    );
  });

  it('rejects sha256 digests with the wrong number of hex digits', () => {
    fc.assert(
      fc.property(parts, fc.oneof(chars(HEX, 32, 63), chars(HEX, 65, 80)), (p, h) => {
        expect(errorOf(render({ ...p, digest: undefined }) + `@sha256:${h}`)).not.toBeNull();
      }),
    );
  });

  // Bugs pinned (see the report): the expected values are Docker 20.10's.

  it('keeps library/ in a Docker Hub path of three components (familiarString(parse("library/a/b")) is "library/a/b")', () => {
    // distribution's familiarizeName strips `library/` only when exactly two components remain;
    // reference.ts strips it always, so `library/a/b` prints as `a/b`, which parses to another repository.
    expect(familiarString(parseReference('library/a/b'))).toBe('library/a/b');
  });

  it('rejects a registry port that is not a number (localhost:abc/app)', () => {
    expect(errorOf('localhost:abc/app')).toBe('invalid reference format');
  });

  it('reads my_registry.local/app as a path (as dockerd does) and rejects -bad.example.com/app', () => {
    // checked against dockerd 20.10: `docker tag img my_registry.local/app` works (the name is a path, not a host)
    expect(errorOf('my_registry.local/app')).toBeNull();
    expect(errorOf('-bad.example.com/app')).toBe('invalid reference format');
  });

  it('reports an uppercase name that is invalid anyway as plain "invalid reference format" (Foo/-bar)', () => {
    // Docker says "must be lowercase" only when the lowercased reference would parse.
    expect(errorOf('Foo/-bar')).toBe('invalid reference format');
  });

  it('rejects repository names longer than 255 characters', () => {
    expect(errorOf('a'.repeat(256))).not.toBeNull();
  });
});
