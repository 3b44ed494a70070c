/**
 * Shell patterns (`*`, `?`, `[...]`) for pathname expansion, `case` and
 * `${x#pattern}`. Patterns arrive with quoted characters backslash-escaped,
 * so `"*".txt` matches only a file literally named `*.txt`.
 */
import type { Fs } from '../fs/types.js';
import { normalize } from '../fs/path.js';

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
};

/** Escapes a string so it matches itself as a pattern. */
export function escapeGlob(s: string): string {
  return s.replace(/[\\*?[\]]/g, '\\$&');
}

/** Removes pattern escapes: the literal text a pattern without matches stands for. */
export function unescapeGlob(s: string): string {
  return s.replace(/\\(.)/gs, '$1');
}

/** Whether a pattern has an unescaped `*`, `?` or bracket expression. */
export function hasGlobMeta(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if (c === '[' && bracketEnd(p, i) > 0) return true;
  }
  return false;
}

function bracketEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '[' && p[j + 1] === ':') {
      const k = p.indexOf(':]', j + 2);
      if (k > 0) j = k + 1;
    } else if (p[j] === '\\') j++;
    else if (p[j] === ']') return j;
  }
  return -1;
}

const reEscape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** The regular-expression source of a pattern; `pathname` keeps `*` and `?` from matching `/`. */
export function patternSource(p: string, pathname = false): string {
  let re = '';
  const any = pathname ? '[^/]' : '[\\s\\S]';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') re += reEscape(p[++i] ?? '\\');
    else if (c === '*') re += any + '*';
    else if (c === '?') re += any;
    else if (c === '[') {
      const end = bracketEnd(p, i);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let j = i + 1;
      let cls = '';
      if (p[j] === '!' || p[j] === '^') {
        cls += '^';
        j++;
      }
      for (; j < end; j++) {
        const d = p[j]!;
        if (d === '[' && p[j + 1] === ':') {
          const k = p.indexOf(':]', j + 2);
          cls += CLASSES[p.slice(j + 2, k)] ?? '';
          j = k + 1;
        } else if (d === '\\') cls += reEscape(p[++j] ?? '\\');
        else if (d === '-' && j > i + 1 && j + 1 < end) cls += '-';
        else cls += reEscape(d);
      }
      re += `[${cls}]`;
      i = end;
    } else re += reEscape(c);
  }
  return re;
}

/** Whether `s` matches the whole pattern (as `case` does). */
export function matchPattern(pattern: string, s: string): boolean {
  return patternRegExp(pattern, false)?.test(s) ?? false;
}

/** The whole-string RegExp of a pattern; null for one JavaScript rejects (a range like `[z-a]` matches nothing). */
function patternRegExp(pattern: string, pathname: boolean): RegExp | null {
  try {
    return new RegExp(`^(?:${patternSource(pattern, pathname)})$`);
  } catch {
    return null;
  }
}

/**
 * Expands a pathname pattern against the filesystem. Returns the sorted
 * matches, spelled as the pattern was (relative stays relative), or an empty
 * list when nothing matches.
 */
export function globPaths(fs: Fs, cwd: string, pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segs = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let found: { shown: string; real: string }[] = [{ shown: absolute ? '/' : '', real: absolute ? '/' : cwd }];
  if (absolute) segs.shift();
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const next: { shown: string; real: string }[] = [];
    const join = (a: string, b: string) => (a === '' ? b : a.endsWith('/') ? a + b : a + '/' + b);
    if (!hasGlobMeta(seg)) {
      const name = unescapeGlob(seg);
      for (const f of found) next.push({ shown: join(f.shown, name), real: normalize(name, f.real) });
    } else {
      const re = patternRegExp(seg, true);
      if (!re) return [];
      const dotOk = seg.startsWith('.') || seg.startsWith('\\.');
      for (const f of found) {
        let names: string[];
        try {
          names = fs.readdir(f.real);
        } catch {
          continue;
        }
        for (const n of names) {
          if (n.startsWith('.') && !dotOk) continue;
          if (re.test(n)) next.push({ shown: join(f.shown, n), real: normalize(n, f.real) });
        }
      }
    }
    found = next;
    if (found.length === 0) return [];
  }
  const trailing = pattern.endsWith('/') && pattern.length > 1;
  return found
    .filter((f) => {
      const st = fs.stat(f.real, !trailing ? false : true);
      return st !== null && (!trailing || st.type === 'dir');
    })
    .map((f) => (trailing ? f.shown + '/' : f.shown))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
