/** Just enough semver to match package.json ranges against catalog versions. */

type V = [number, number, number];

function parse(v: string): V | undefined {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(v.trim());
  if (!m) return undefined;
  const n = (s: string | undefined) => (s === undefined || s === 'x' || s === '*' ? NaN : Number(s));
  return [Number(m[1]), n(m[2]), n(m[3])];
}

function cmp(a: V, b: V): number {
  for (let i = 0; i < 3; i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) - (b[i] || 0);
  return 0;
}

function one(v: V, c: string): boolean {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*(.*)$/.exec(c.trim())!;
  const op = m[1] ?? '';
  const r = parse(m[2]!);
  if (!r) return m[2] === '' || m[2] === '*' || m[2] === 'x' || m[2] === 'latest';
  const lo: V = [r[0], r[1] || 0, r[2] || 0];
  switch (op) {
    case '>=':
      return cmp(v, lo) >= 0;
    case '>':
      return cmp(v, lo) > 0;
    case '<=':
      return cmp(v, lo) <= 0;
    case '<':
      return cmp(v, lo) < 0;
    case '^': {
      const hi: V = lo[0] > 0 || isNaN(r[1]) ? [lo[0] + 1, 0, 0] : lo[1] > 0 || isNaN(r[2]) ? [0, lo[1] + 1, 0] : [0, 0, lo[2] + 1];
      return cmp(v, lo) >= 0 && cmp(v, hi) < 0;
    }
    case '~': {
      const hi: V = isNaN(r[1]) ? [lo[0] + 1, 0, 0] : [lo[0], lo[1] + 1, 0];
      return cmp(v, lo) >= 0 && cmp(v, hi) < 0;
    }
    default:
      // exact, or an x-range like 4 / 4.x / 4.18.x
      return v[0] === r[0] && (isNaN(r[1]) || v[1] === r[1]) && (isNaN(r[2]) || v[2] === r[2]);
  }
}

/** True when `version` satisfies `range` (||, space-separated AND, ^ ~ >= > <= < =, x-ranges, *, latest). */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  return range.split('||').some((alt) => {
    const parts = alt.trim().replace(/\s+-\s+/, ' - ').split(/\s+/).filter(Boolean);
    if (parts.length === 3 && parts[1] === '-') return one(v, '>=' + parts[0]) && one(v, '<=' + parts[2]);
    return parts.length === 0 || parts.every((p) => one(v, p));
  });
}
