/**
 * docker/go-units: the sizes and durations the docker CLI prints, digit for digit.
 * Quirks are kept on purpose (999999 bytes is "1e+03kB" at precision 3, as docker shows).
 */
import { formatFloat } from './go-float.js';

const decimalAbbrs = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const binaryAbbrs = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function sizeAndUnit(size: number, base: number, abbrs: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < abbrs.length - 1) {
    size /= base;
    i++;
  }
  return [size, abbrs[i]];
}

/** go-units HumanSizeWithPrecision: decimal units with `%.*g` (precision = significant digits). */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1000, decimalAbbrs);
  return formatFloat(size, 'g', precision) + unit;
}

/** The size docker images/history/ps print: HumanSizeWithPrecision(size, 3), e.g. "1.98MB". */
export function humanSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 3);
}

/** go-units HumanSize (4 significant digits, e.g. "3.072kB"), used by `docker system df`. */
export function humanSize4(bytes: number): string {
  return humanSizeWithPrecision(bytes, 4);
}

/** go-units BytesSize: binary units with `%.4g`, e.g. "1.891MiB" (docker stats). */
export function bytesSize(bytes: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1024, binaryAbbrs);
  return formatFloat(size, 'g', 4) + unit;
}

/** go-units HumanDuration of a duration given in seconds, e.g. "About a minute". */
export function humanDuration(seconds: number): string {
  // Go truncates each unit of a time.Duration toward zero; hours alone are rounded.
  const secs = Math.trunc(seconds);
  if (secs < 1) return 'Less than a second';
  if (secs === 1) return '1 second';
  if (secs < 60) return `${secs} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(seconds / 3600 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(seconds / 3600) / 24 / 365)} years`;
}

/** The CREATED column: HumanDuration(now - then) + " ago", both in Unix seconds. */
export function ago(thenSec: number, nowSec: number): string {
  return humanDuration(nowSec - thenSec) + ' ago';
}

/** A size flag that go-units rejected, with its message (e.g. "invalid suffix: 'x'"). */
export class SizeParseError extends Error {
  override readonly name = 'SizeParseError';
}

const decimalMap: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
const binaryMap: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

// strconv.ParseFloat accepts more (hex, inf); these are the forms a size flag uses.
const goFloat = /^[+-]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][+-]?\d+)?$/;

function parseSizeWith(sizeStr: string, units: Record<string, number>): number {
  let sep = -1;
  for (let i = sizeStr.length - 1; i >= 0; i--) {
    if ('0123456789. '.includes(sizeStr[i])) {
      sep = i;
      break;
    }
  }
  if (sep === -1) throw new SizeParseError(`invalid size: '${sizeStr}'`);
  const num = sizeStr[sep] === ' ' ? sizeStr.slice(0, sep) : sizeStr.slice(0, sep + 1);
  let sfx = sizeStr.slice(sep + 1);
  if (!goFloat.test(num) || /(^|[^\d])_|_($|[^\d])/.test(num)) {
    throw new SizeParseError(`strconv.ParseFloat: parsing ${goQuote(num)}: invalid syntax`);
  }
  let size = Number(num.replace(/_/g, ''));
  if (size < 0) throw new SizeParseError(`invalid size: '${sizeStr}'`);
  if (sfx.length === 0) return Math.trunc(size);
  const bad = () => new SizeParseError(`invalid suffix: '${sfx}'`);
  if (sfx.length > 3) throw bad();
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') {
    if (sfx.length > 1) throw bad();
    return Math.trunc(size);
  }
  const mul = units[sfx[0]];
  if (mul === undefined) throw bad();
  size *= mul;
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) throw bad();
  return Math.trunc(size);
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** go-units RAMInBytes (v0.5): "512m" → 536870912; binary multiples, case-insensitive. */
export function parseSize(sizeStr: string): number {
  return parseSizeWith(sizeStr, binaryMap);
}

/** go-units FromHumanSize: "44kB" → 44000 (decimal multiples). */
export function fromHumanSize(sizeStr: string): number {
  return parseSizeWith(sizeStr, decimalMap);
}
