/**
 * `$((...))`: integer arithmetic with C precedence, variables by name
 * (their values are themselves evaluated) and assignments.
 */

/** An arithmetic error; the message is what busybox sh prints after `sh: `. */
export class ArithError extends Error {}

type Tok = { k: 'num'; v: number } | { k: 'name'; v: string } | { k: 'op'; v: string };

const OPS = ['<<=', '>>=', '**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '++', '--', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '!', '~', '(', ')', '?', ':', '='];

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|\d+)/.exec(s.slice(i));
    if (num) {
      const t = num[1]!;
      if (/^0[0-7]+$/.test(t)) out.push({ k: 'num', v: parseInt(t, 8) });
      else if (/^0\d/.test(t)) throw new ArithError('arithmetic syntax error');
      else out.push({ k: 'num', v: Number(t) });
      i += t.length;
      if (/[A-Za-z_]/.test(s[i] ?? '')) throw new ArithError('arithmetic syntax error');
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (!op) throw new ArithError('arithmetic syntax error');
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  return out;
}

const BINARY: [string[], number][] = [
  [['||'], 1],
  [['&&'], 2],
  [['|'], 3],
  [['^'], 4],
  [['&'], 5],
  [['==', '!='], 6],
  [['<', '<=', '>', '>='], 7],
  [['<<', '>>'], 8],
  [['+', '-'], 9],
  [['*', '/', '%'], 10],
];
const PREC = new Map<string, number>(BINARY.flatMap(([ops, p]) => ops.map((o) => [o, p] as [string, number])));

/** Evaluates an arithmetic expression; `get`/`set` read and assign shell variables. */
export function evalArith(src: string, get: (name: string) => string, set: (name: string, v: string) => void, depth = 0): number {
  if (depth > 32) throw new ArithError('expression recursion loop detected');
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const isOp = (v: string) => {
    const t = peek();
    return t !== undefined && t.k === 'op' && t.v === v;
  };
  const varValue = (name: string): number => {
    const v = get(name).trim();
    return v === '' ? 0 : evalArith(v, get, set, depth + 1);
  };
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/':
      case '%':
        if (b === 0) throw new ArithError('divide by zero');
        return op === '/' ? Math.trunc(a / b) : a % b;
      case '**': return a ** b;
      case '<<': return a * 2 ** b;
      case '>>': return Math.floor(a / 2 ** b);
      case '<': return +(a < b);
      case '<=': return +(a <= b);
      case '>': return +(a > b);
      case '>=': return +(a >= b);
      case '==': return +(a === b);
      case '!=': return +(a !== b);
      case '&': return Number(BigInt(a) & BigInt(b));
      case '|': return Number(BigInt(a) | BigInt(b));
      case '^': return Number(BigInt(a) ^ BigInt(b));
      case '&&': return +(a !== 0 && b !== 0);
      case '||': return +(a !== 0 || b !== 0);
    }
    throw new ArithError('arithmetic syntax error');
  };

  function primary(): number {
    const t = peek();
    if (!t) throw new ArithError('arithmetic syntax error');
    pos++;
    if (t.k === 'num') return t.v;
    if (t.k === 'name') {
      if (isOp('++') || isOp('--')) {
        const d = (toks[pos++] as { v: string }).v === '++' ? 1 : -1;
        const old = varValue(t.v);
        set(t.v, String(old + d));
        return old;
      }
      return varValue(t.v);
    }
    switch (t.v) {
      case '(': {
        const v = assignment();
        if (!isOp(')')) throw new ArithError('arithmetic syntax error');
        pos++;
        return v;
      }
      case '-': return -unary();
      case '+': return unary();
      case '!': return +(unary() === 0);
      case '~': return -unary() - 1;
      case '++':
      case '--': {
        const n = peek();
        if (!n || n.k !== 'name') throw new ArithError('arithmetic syntax error');
        pos++;
        const v = varValue(n.v) + (t.v === '++' ? 1 : -1);
        set(n.v, String(v));
        return v;
      }
    }
    throw new ArithError('arithmetic syntax error');
  }

  function unary(): number {
    const base = primary();
    if (isOp('**')) {
      pos++;
      return base ** unary();
    }
    return base;
  }

  function binary(minPrec: number): number {
    let left = unary();
    for (;;) {
      const t = peek();
      if (!t || t.k !== 'op') return left;
      const p = PREC.get(t.v);
      if (p === undefined || p < minPrec) return left;
      pos++;
      const right = binary(p + 1);
      left = apply(t.v, left, right);
    }
  }

  function ternary(): number {
    const c = binary(1);
    if (!isOp('?')) return c;
    pos++;
    const a = assignment();
    if (!isOp(':')) throw new ArithError('arithmetic syntax error');
    pos++;
    const b = ternary();
    return c !== 0 ? a : b;
  }

  function assignment(): number {
    const t = peek();
    const n = toks[pos + 1];
    if (t && t.k === 'name' && n && n.k === 'op' && /^(?:[-+*/%&|^]|<<|>>)?=$/.test(n.v)) {
      pos += 2;
      const rhs = assignment();
      const v = n.v === '=' ? rhs : apply(n.v.slice(0, -1), varValue(t.v), rhs);
      set(t.v, String(v));
      return v;
    }
    return ternary();
  }

  if (toks.length === 0) return 0;
  const v = assignment();
  if (pos < toks.length) throw new ArithError('arithmetic syntax error');
  return v;
}
