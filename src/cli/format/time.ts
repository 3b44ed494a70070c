/**
 * Timestamps as docker prints them. Every function takes "now" (or the instant) as an
 * argument so lessons replay identically; nothing here reads a clock.
 */
import { ago } from '../../shared/format/units.js';

/** What Docker prints for a time that was never set (e.g. FinishedAt of a fresh container). */
export const ZERO_TIME_RFC3339 = '0001-01-01T00:00:00Z';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Splits an instant into civil UTC fields; nanos may be out of range and carry into seconds. */
function civil(sec: number, nanos: number) {
  const carry = Math.floor(nanos / 1e9);
  const ns = nanos - carry * 1e9;
  const whole = Math.floor(sec) + carry;
  const d = new Date(whole * 1000);
  return {
    date: `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`,
    clock: `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`,
    // Go's ".999999999" layout: nanoseconds with trailing zeros (and a bare dot) dropped.
    frac: ns === 0 ? '' : '.' + pad(ns, 9).replace(/0+$/, ''),
  };
}

/** Go's RFC3339Nano in UTC, as `docker inspect` prints Created: "2024-01-01T00:00:00.1234Z". */
export function rfc3339Nano(sec: number, nanos = 0): string {
  const c = civil(sec, nanos);
  return `${c.date}T${c.clock}${c.frac}Z`;
}

/** Go's RFC3339 (whole seconds) in UTC, as `docker history --human=false` prints CREATED AT. */
export function rfc3339(sec: number): string {
  const c = civil(sec, 0);
  return `${c.date}T${c.clock}Z`;
}

/** Go's time.Time.String() in UTC, as `docker images --format {{.CreatedAt}}` prints it. */
export function goTimeString(sec: number, nanos = 0): string {
  const c = civil(sec, nanos);
  return `${c.date} ${c.clock}${c.frac} +0000 UTC`;
}

/** Parses an RFC 3339 timestamp (any offset, optional fraction) into Unix seconds and nanos. */
export function parseRfc3339(text: string): { sec: number; nanos: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new RangeError(`parsing time ${JSON.stringify(text)}: not RFC 3339`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 onto 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let sec = date.getTime() / 1000;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    sec -= sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  const nanos = frac ? Number(frac.slice(1).padEnd(9, '0')) : 0;
  return { sec, nanos };
}

/** The CREATED column of `docker images`: "2 minutes ago". */
export function imageCreatedSince(createdSec: number, nowSec: number): string {
  return ago(createdSec, nowSec);
}

/** The CREATED column of `docker history`: "2 minutes ago", or RFC 3339 with --human=false. */
export function historyCreated(createdSec: number, nowSec: number, human = true): string {
  return human ? ago(createdSec, nowSec) : rfc3339(createdSec);
}
