/**
 * Helpers shared by the applets: busybox-style option parsing, error lines,
 * and the formatting busybox uses for modes, sizes and dates.
 */
import type { Stat } from '../../fs/types.js';
import type { CommandIO } from '../types.js';

export interface ParsedArgs {
  /** Flags seen, with the value for options that take one (last one wins). */
  opts: Map<string, string | true>;
  /** Every value of options given more than once (`-e a -e b`). */
  all: Map<string, string[]>;
  args: string[];
}

/**
 * Parses short options like getopt: combined flags (`-rf`), values attached or
 * separate (`-n5`, `-n 5`), `--` ends options. `withValue` lists the letters
 * that take a value. Options may follow operands (GNU-style permutation).
 * Returns null after printing busybox's error for an unknown option.
 */
export function parseArgs(argv: string[], flags: string, withValue: string, io: CommandIO, long: Record<string, string> = {}): ParsedArgs | null {
  const name = argv[0]!;
  const opts = new Map<string, string | true>();
  const all = new Map<string, string[]>();
  const args: string[] = [];
  const set = (k: string, v: string | true) => {
    opts.set(k, v);
    if (typeof v === 'string') all.set(k, [...(all.get(k) ?? []), v]);
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const [key, val] = a.slice(2).split(/=(.*)/s);
      const letter = long[key!];
      if (letter === undefined) {
        io.stderr(`${name}: unrecognized option '${a}'\n`);
        return null;
      }
      if (withValue.includes(letter)) set(letter, val ?? argv[++i] ?? '');
      else set(letter, true);
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      args.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (withValue.includes(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) {
          io.stderr(`${name}: option requires an argument -- '${c}'\n`);
          return null;
        }
        set(c, v);
        break;
      }
      if (!flags.includes(c)) {
        io.stderr(`${name}: invalid option -- '${c}'\n`);
        return null;
      }
      set(c, true);
    }
  }
  return { opts, all, args };
}

/** `ls -l`'s mode column: type letter and rwx bits with s/S/t/T. */
export function modeString(st: Pick<Stat, 'type' | 'mode'>): string {
  const t = st.type === 'dir' ? 'd' : st.type === 'symlink' ? 'l' : '-';
  const m = st.mode;
  const bit = (b: number, c: string) => (m & b ? c : '-');
  const special = (x: number, s: number, lower: string) => (m & s ? (m & x ? lower : lower.toUpperCase()) : m & x ? 'x' : '-');
  return (
    t +
    bit(0o400, 'r') + bit(0o200, 'w') + special(0o100, 0o4000, 's') +
    bit(0o040, 'r') + bit(0o020, 'w') + special(0o010, 0o2000, 's') +
    bit(0o004, 'r') + bit(0o002, 'w') + special(0o001, 0o1000, 't')
  );
}

/** busybox's human-readable size (`ls -h`, `du -h`, `df -h`): 999, 1.0K, 12.3M. */
export function humanSize(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let val = Math.floor(n);
  let frac = 0;
  let u = 0;
  while (val >= 1024 && u < units.length - 1) {
    frac = Math.floor(((val % 1024) * 10 + 512) / 1024);
    val = Math.floor(val / 1024);
    u++;
  }
  if (frac >= 10) {
    val++;
    frac = 0;
  }
  return u === 0 ? String(val) : `${val}.${frac}${units[u]}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const p2 = (n: number) => String(n).padStart(2, '0');

/** `ls -l`'s date column (UTC): `Nov 14 22:13` within six months, else `Nov 14  2023`. */
export function lsDate(mtime: number, now: number): string {
  const d = new Date(mtime * 1000);
  const day = String(d.getUTCDate()).padStart(2);
  const age = now - mtime;
  if (age < (3600 * 24 * 365) / 2 && age > -15 * 60) return `${MONTHS[d.getUTCMonth()]} ${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
  return `${MONTHS[d.getUTCMonth()]} ${day}  ${d.getUTCFullYear()}`;
}

/** `date`'s default format in UTC: `Tue Nov 14 22:13:20 UTC 2023`. */
export function dateString(t: number): string {
  const d = new Date(t * 1000);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** strftime for the conversions `date +FORMAT` scripts use. */
export function strftime(fmt: string, t: number): string {
  const d = new Date(t * 1000);
  return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'y': return p2(d.getUTCFullYear() % 100);
      case 'm': return p2(d.getUTCMonth() + 1);
      case 'd': return p2(d.getUTCDate());
      case 'e': return String(d.getUTCDate()).padStart(2);
      case 'H': return p2(d.getUTCHours());
      case 'M': return p2(d.getUTCMinutes());
      case 'S': return p2(d.getUTCSeconds());
      case 's': return String(t);
      case 'b':
      case 'h': return MONTHS[d.getUTCMonth()]!;
      case 'a': return DAYS[d.getUTCDay()]!;
      case 'j': return String(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 864e5) + 1).padStart(3, '0');
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case 'F': return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
      case 'T': return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
    }
    return m;
  });
}

/** Splits text into lines without the final empty piece after a trailing newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
