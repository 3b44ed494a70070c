import { describe, expect, it } from 'vitest';
import {
  ZERO_TIME_RFC3339,
  goTimeString,
  historyCreated,
  imageCreatedSince,
  parseRfc3339,
  rfc3339,
  rfc3339Nano,
} from './time.js';

// [sec, nanos, RFC3339Nano, RFC3339, Time.String()] as printed by Go 1.19 in UTC.
const rows: Array<[number, number, string, string, string]> = [
  [1704067200, 123456789, '2024-01-01T00:00:00.123456789Z', '2024-01-01T00:00:00Z', '2024-01-01 00:00:00.123456789 +0000 UTC'],
  [1704067200, 0, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01 00:00:00 +0000 UTC'],
  [1704067200, 120000000, '2024-01-01T00:00:00.12Z', '2024-01-01T00:00:00Z', '2024-01-01 00:00:00.12 +0000 UTC'],
  [0, 1, '1970-01-01T00:00:00.000000001Z', '1970-01-01T00:00:00Z', '1970-01-01 00:00:00.000000001 +0000 UTC'],
  [-62135596800, 0, '0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0001-01-01 00:00:00 +0000 UTC'],
  [1700000000, 999999999, '2023-11-14T22:13:20.999999999Z', '2023-11-14T22:13:20Z', '2023-11-14 22:13:20.999999999 +0000 UTC'],
  [951782400, 500, '2000-02-29T00:00:00.0000005Z', '2000-02-29T00:00:00Z', '2000-02-29 00:00:00.0000005 +0000 UTC'],
];

describe('timestamps', () => {
  it.each(rows)('prints %s s + %s ns like Go, trimming trailing zeros of the fraction', (sec, ns, nano, plain, str) => {
    expect(rfc3339Nano(sec, ns)).toBe(nano);
    expect(rfc3339(sec)).toBe(plain);
    expect(goTimeString(sec, ns)).toBe(str);
  });

  it('prints the zero time as docker inspect shows an unset FinishedAt', () => {
    expect(rfc3339Nano(-62135596800)).toBe(ZERO_TIME_RFC3339);
  });

  it('carries nanoseconds beyond a second into the seconds', () => {
    expect(rfc3339Nano(1704067200, 1_500_000_000)).toBe('2024-01-01T00:00:01.5Z');
  });

  it('parses RFC 3339 back, honouring offsets and short fractions', () => {
    expect(parseRfc3339('2024-01-01T00:00:00.123456789Z')).toEqual({ sec: 1704067200, nanos: 123456789 });
    expect(parseRfc3339('2024-01-01T01:00:00.5+01:00')).toEqual({ sec: 1704067200, nanos: 500000000 });
    expect(parseRfc3339(ZERO_TIME_RFC3339)).toEqual({ sec: -62135596800, nanos: 0 });
    expect(() => parseRfc3339('yesterday')).toThrow(RangeError);
  });
});

describe('CREATED columns', () => {
  const now = 1704067200;
  it('says how long ago an image was created, from an injected now', () => {
    expect(imageCreatedSince(now - 2, now)).toBe('2 seconds ago');
    expect(imageCreatedSince(now - 3 * 86400, now)).toBe('3 days ago');
  });

  it('prints RFC 3339 instead in docker history --human=false', () => {
    expect(historyCreated(now - 120, now)).toBe('2 minutes ago');
    expect(historyCreated(now - 120, now, false)).toBe('2023-12-31T23:58:00Z');
  });
});
