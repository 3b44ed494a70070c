/**
 * Go's strconv.FormatFloat for the 'e', 'f' and 'g' verbs.
 *
 * JavaScript's toPrecision rounds exact ties away from zero while Go rounds them to
 * even (`%.3g` of 1.125 is "1.12" in Go, "1.13" in JS), and sizes like 1125 bytes
 * hit such ties, so rounding works on the exact decimal expansion of the double.
 */

/** Decimal digits d with the point after dp digits: value = 0.d × 10^dp. */
interface Digits {
  d: string;
  dp: number;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact decimal expansion of a finite, non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    // m / 2^k == m·5^k / 10^k keeps everything in integers.
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trimZeros({ d: digits, dp });
}

/** Shortest digits that read back as x; JS and Go both pick the closest candidate. */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mant, e] = x.toExponential().split('e');
  return { d: mant.replace('.', ''), dp: Number(e) + 1 };
}

function trimZeros(v: Digits): Digits {
  let end = v.d.length;
  while (end > 0 && v.d[end - 1] === '0') end--;
  return end === v.d.length ? v : { d: v.d.slice(0, end), dp: end === 0 ? 0 : v.dp };
}

/** Rounds to nd significant digits, ties to even as Go's decimal.Round does. */
function roundDigits(v: Digits, nd: number): Digits {
  if (nd < 0 || nd >= v.d.length) return v;
  const next = v.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === v.d.length) {
    up = nd > 0 && (v.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  if (!up) return trimZeros({ d: v.d.slice(0, nd), dp: v.dp });
  let i = nd - 1;
  while (i >= 0 && v.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: v.dp + 1 };
  return trimZeros({ d: v.d.slice(0, i) + String.fromCharCode(v.d.charCodeAt(i) + 1), dp: v.dp });
}

function fmtE(v: Digits, prec: number, verb: string): string {
  let out = v.d.length > 0 ? v.d[0] : '0';
  if (prec > 0) {
    out += '.';
    const frac = v.d.slice(1, 1 + prec);
    out += frac + '0'.repeat(prec - frac.length);
  }
  const exp = v.d.length === 0 ? 0 : v.dp - 1;
  const abs = Math.abs(exp);
  return out + verb + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' : '') + abs;
}

function fmtF(v: Digits, prec: number): string {
  let out: string;
  if (v.dp > 0) {
    const int = v.d.slice(0, v.dp);
    out = int + '0'.repeat(v.dp - int.length);
  } else {
    out = '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = v.dp + i - 1;
      out += j >= 0 && j < v.d.length ? v.d[j] : '0';
    }
  }
  return out;
}

/** strconv.FormatFloat(x, verb, prec, 64); prec -1 means the shortest exact form. */
export function formatFloat(x: number, verb: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  const shortest = prec < 0;
  let v: Digits;
  const lower = verb.toLowerCase();
  if (shortest) {
    v = shortestDigits(abs);
    if (lower === 'e') prec = Math.max(v.d.length - 1, 0);
    else if (lower === 'f') prec = Math.max(v.d.length - v.dp, 0);
    else prec = v.d.length;
  } else {
    const exact = exactDigits(abs);
    if (lower === 'e') v = roundDigits(exact, prec + 1);
    else if (lower === 'f') v = exact.d.length === 0 ? exact : roundDigits(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      v = roundDigits(exact, prec);
    }
  }
  const sign = neg ? '-' : '';
  if (lower === 'e') return sign + fmtE(v, prec, verb === 'E' ? 'E' : 'e');
  if (lower === 'f') return sign + fmtF(v, prec);
  let eprec = prec;
  if (eprec > v.d.length && v.d.length >= v.dp) eprec = v.d.length;
  if (shortest) eprec = 6;
  const exp = v.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > v.d.length) prec = v.d.length;
    return sign + fmtE(v, prec - 1, verb === 'G' ? 'E' : 'e');
  }
  if (prec > v.dp) prec = v.d.length;
  return sign + fmtF(v, Math.max(prec - v.dp, 0));
}
