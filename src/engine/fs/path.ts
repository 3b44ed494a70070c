/** POSIX path helpers for the simulated filesystem (always absolute, '/'-separated). */

/** Normalizes `p` (relative to `cwd`) to an absolute path without `.`, `..` or doubled slashes. */
export function normalize(p: string, cwd = '/'): string {
  const parts: string[] = [];
  const full = p.startsWith('/') ? p : `${cwd}/${p}`;
  for (const c of full.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return '/' + parts.join('/');
}

/** The parent directory of an absolute, normalized path ('/' for '/'). */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** The last component of a path. */
export function basename(p: string): string {
  const s = p.endsWith('/') && p.length > 1 ? p.slice(0, -1) : p;
  return s.slice(s.lastIndexOf('/') + 1);
}

/** Joins path segments and normalizes the result. */
export function join(...parts: string[]): string {
  return normalize(parts.join('/'));
}

/** Proper ancestors of a normalized path, outermost first, excluding '/'. */
export function ancestors(p: string): string[] {
  const out: string[] = [];
  let i = p.indexOf('/', 1);
  while (i > 0) {
    out.push(p.slice(0, i));
    i = p.indexOf('/', i + 1);
  }
  return out;
}

/** True when `p` is `dir` or lies under it. */
export function isWithin(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(dir + '/');
}
