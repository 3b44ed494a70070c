/**
 * Word expansion in POSIX order: tilde, parameters, command substitution and
 * arithmetic, then field splitting on IFS, then pathname expansion, then quote
 * removal. Quoting travels with each character (as an escaped pattern), so
 * splitting and globbing only touch what came from unquoted expansions.
 */
import type { Fs } from '../fs/types.js';
import type { ParamOp, Script, Word, WordPart } from './ast.js';
import { evalArith } from './arith.js';
import { escapeGlob, globPaths, hasGlobMeta, matchPattern, patternSource } from './glob.js';

/** An expansion error (`${x?}`, bad substitution); the message follows `sh: `. */
export class ExpansionError extends Error {}

/** What expansion needs from the shell. */
export interface ExpandCtx {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  /** Positional parameters $1, $2, ... */
  params(): string[];
  /** Output of a command substitution (trailing newlines kept; expansion strips them). */
  subst(body: Script): string;
  homeOf(user: string): string | undefined;
  fs: Fs;
  cwd: string;
  noglob: boolean;
  nounset: boolean;
  /** bash expands `{a,b}` and `{1..3}`; POSIX sh (busybox, dash) keeps them literal. */
  braceExpansion?: boolean;
}

interface Field {
  v: string;
  p: string;
  glob: boolean;
  exists: boolean;
}

const DEFAULT_IFS = ' \t\n';

class Fields {
  readonly out: Field[] = [];
  cur: Field | null = null;
  private wsBreak = false;

  constructor(private readonly ifs: string) {}

  private ensure(): Field {
    if (!this.cur) this.cur = { v: '', p: '', glob: false, exists: false };
    this.wsBreak = false;
    return this.cur;
  }

  quoted(s: string): void {
    const f = this.ensure();
    f.v += s;
    f.p += escapeGlob(s);
    f.exists = true;
  }

  /** Unquoted text from the script itself: glob characters stay active. */
  literal(s: string): void {
    if (s === '') return;
    const f = this.ensure();
    f.v += s;
    f.p += s;
    if (/[*?[]/.test(s)) f.glob = true;
  }

  /** Unquoted expansion result where no splitting happens (assignments, patterns): glob characters active. */
  unsplit(s: string): void {
    const f = this.ensure();
    f.v += s;
    f.p += s.replace(/\\/g, '\\\\');
    f.exists = true;
    if (/[*?[]/.test(s)) f.glob = true;
  }

  /** Unquoted expansion result: split on IFS, glob characters active, backslashes literal. */
  split(s: string): void {
    for (const c of s) {
      if (this.ifs.includes(c)) {
        if (DEFAULT_IFS.includes(c)) {
          if (this.cur) {
            this.finish();
            this.wsBreak = true;
          }
        } else {
          if (this.cur) this.finish();
          else if (!this.wsBreak) this.out.push({ v: '', p: '', glob: false, exists: true });
          this.wsBreak = false;
        }
        continue;
      }
      const f = this.ensure();
      f.v += c;
      f.p += c === '\\' ? '\\\\' : c;
      if (c === '*' || c === '?' || c === '[') f.glob = true;
    }
  }

  finish(): void {
    if (this.cur) this.out.push(this.cur);
    this.cur = null;
  }

  end(): Field[] {
    if (this.cur && (this.cur.v !== '' || this.cur.exists)) this.out.push(this.cur);
    this.cur = null;
    return this.out;
  }
}

/** Expands words into command arguments: split into fields and globbed against the filesystem. */
export function expandWords(words: Word[], ctx: ExpandCtx): string[] {
  const args: string[] = [];
  const ifs = ctx.get('IFS') ?? DEFAULT_IFS;
  for (const w of ctx.braceExpansion ? words.flatMap(braceExpand) : words) {
    if (isEmptyQuotedAt(w, ctx)) continue;
    const fb = new Fields(ifs);
    for (const part of w) addPart(part, fb, ctx, true);
    for (const f of fb.end()) {
      if (f.glob && !ctx.noglob && hasGlobMeta(f.p)) {
        const m = globPaths(ctx.fs, ctx.cwd, f.p);
        if (m.length > 0) {
          args.push(...m);
          continue;
        }
      }
      args.push(f.v);
    }
  }
  return args;
}

/** Expands a word to one string without splitting or globbing (assignments, redirection targets). */
export function expandString(word: Word, ctx: ExpandCtx): string {
  const fb = new Fields('');
  for (const part of word) addPart(part, fb, ctx, false);
  return fb.end().map((f) => f.v).join(' ');
}

/** Expands a word to a pattern: quoted characters escaped, unquoted glob characters active. */
export function expandPattern(word: Word, ctx: ExpandCtx): string {
  const fb = new Fields('');
  for (const part of word) addPart(part, fb, ctx, false);
  return fb.end().map((f) => f.p).join(' ');
}

/** bash brace expansion over the unquoted text of a word: `a{b,c}` gives `ab ac`, `{1..3}` gives 1 2 3. */
function braceExpand(word: Word): Word[] {
  for (let i = 0; i < word.length; i++) {
    const p = word[i]!;
    if (p.t !== 'lit' || p.quoted) continue;
    const m = /\{([^{}]*,[^{}]*|(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z]))\}/.exec(p.v);
    if (!m) continue;
    let items: string[];
    if (m[2] !== undefined) {
      const num = /\d/.test(m[2]);
      const a = num ? Number(m[2]) : m[2].charCodeAt(0);
      const b = num ? Number(m[3]) : m[3]!.charCodeAt(0);
      items = [];
      for (let v = a; a <= b ? v <= b : v >= b; v += a <= b ? 1 : -1) items.push(num ? String(v) : String.fromCharCode(v));
    } else items = m[1]!.split(',');
    const before = p.v.slice(0, m.index);
    const after = p.v.slice(m.index + m[0].length);
    return items.flatMap((it) => braceExpand([...word.slice(0, i), { ...p, v: before + it + after }, ...word.slice(i + 1)]));
  }
  return [word];
}

/** `"$@"` with no positional parameters expands to no field at all. */
function isEmptyQuotedAt(w: Word, ctx: ExpandCtx): boolean {
  const real = w.filter((p) => !(p.t === 'lit' && p.v === '' && p.quoted));
  return real.length === 1 && real[0]!.t === 'param' && real[0]!.name === '@' && !real[0]!.op && real[0]!.quoted && ctx.params().length === 0;
}

function addValue(fb: Fields, s: string, quoted: boolean, splitting: boolean): void {
  if (quoted) fb.quoted(s);
  else if (splitting) fb.split(s);
  else fb.unsplit(s);
}

function addPart(part: WordPart, fb: Fields, ctx: ExpandCtx, splitting: boolean): void {
  switch (part.t) {
    case 'lit':
      if (part.quoted) fb.quoted(part.v);
      else fb.literal(part.v);
      return;
    case 'tilde': {
      const home = part.user === '' ? ctx.get('HOME') : ctx.homeOf(part.user);
      fb.quoted(home ?? '~' + part.user);
      return;
    }
    case 'length': {
      const v = part.name === '@' || part.name === '*' ? String(ctx.params().length) : lookup(part.name, ctx);
      if (v === undefined && ctx.nounset) throw new ExpansionError(`${part.name}: parameter not set`);
      addValue(fb, String([...(v ?? '')].length), part.quoted, splitting);
      return;
    }
    case 'cmd': {
      const out = ctx.subst(part.body).replace(/\n+$/, '');
      addValue(fb, out, part.quoted, splitting);
      return;
    }
    case 'arith': {
      const expr = expandString(part.expr, ctx);
      const n = evalArith(expr, (n) => ctx.get(n) ?? '', (n, v) => ctx.set(n, v));
      addValue(fb, String(n), part.quoted, splitting);
      return;
    }
    case 'param':
      addParam(part, fb, ctx, splitting);
  }
}

function lookup(name: string, ctx: ExpandCtx): string | undefined {
  if (/^\d+$/.test(name) && name !== '0') return ctx.params()[Number(name) - 1];
  return ctx.get(name);
}

function addParam(part: WordPart & { t: 'param' }, fb: Fields, ctx: ExpandCtx, splitting: boolean): void {
  const { name, op, quoted } = part;
  if ((name === '@' || name === '*') && !op) {
    const ps = ctx.params();
    if (quoted && name === '@' && splitting) {
      ps.forEach((p, i) => {
        if (i > 0) fb.finish();
        fb.quoted(p);
      });
    } else if (quoted || !splitting) {
      const ifs = ctx.get('IFS') ?? DEFAULT_IFS;
      addValue(fb, ps.join(name === '*' ? ifs.slice(0, 1) : ' '), quoted, splitting);
    } else {
      ps.forEach((p, i) => {
        if (i > 0) fb.finish();
        fb.split(p);
      });
    }
    return;
  }
  const value = name === '@' || name === '*' ? ctx.params().join(' ') : lookup(name, ctx);
  const arg = part.arg ?? [];
  const expandArg = () => {
    for (const p of arg) addPart(p, fb, ctx, splitting);
  };
  const unsetOrNull = (colon: boolean) => value === undefined || (colon && value === '');
  switch (op) {
    case undefined:
      if (value === undefined && ctx.nounset && !/^[?$#!0-]$/.test(name)) throw new ExpansionError(`${name}: parameter not set`);
      addValue(fb, value ?? '', quoted, splitting);
      return;
    case ':-':
    case '-':
      if (unsetOrNull(op === ':-')) expandArg();
      else addValue(fb, value!, quoted, splitting);
      return;
    case ':=':
    case '=':
      if (unsetOrNull(op === ':=')) {
        const v = expandString(arg, ctx);
        ctx.set(name, v);
        addValue(fb, v, quoted, splitting);
      } else addValue(fb, value!, quoted, splitting);
      return;
    case ':+':
    case '+':
      if (!unsetOrNull(op === ':+')) expandArg();
      else if (quoted) fb.quoted('');
      return;
    case ':?':
    case '?':
      if (unsetOrNull(op === ':?')) {
        const msg = expandString(arg, ctx);
        throw new ExpansionError(`${name}: ${msg || (op === ':?' ? 'parameter null or not set' : 'parameter not set')}`);
      }
      addValue(fb, value!, quoted, splitting);
      return;
    case ':': {
      const [off = '0', len] = expandString(arg, ctx).split(':');
      const get = (n: string) => ctx.get(n) ?? '';
      const chars = [...(value ?? '')];
      let start = evalArith(off, get, ctx.set);
      if (start < 0) start = Math.max(0, chars.length + start);
      let count = len === undefined ? chars.length : evalArith(len, get, ctx.set);
      if (count < 0) count = Math.max(0, chars.length - start + count);
      addValue(fb, chars.slice(start, start + count).join(''), quoted, splitting);
      return;
    }
    default:
      addValue(fb, trim(value ?? '', op, arg, ctx), quoted, splitting);
  }
}

/** `${x#p}`, `${x%p}` and `${x/p/r}`: pattern removal and replacement. */
function trim(v: string, op: ParamOp, arg: Word, ctx: ExpandCtx): string {
  if (op === '/' || op === '//') {
    let cut = -1;
    let partIndex = -1;
    for (let i = 0; i < arg.length && cut < 0; i++) {
      const p = arg[i]!;
      if (p.t === 'lit' && !p.quoted && p.v.includes('/')) {
        cut = p.v.indexOf('/');
        partIndex = i;
      }
    }
    let patWord = arg;
    let repWord: Word = [];
    if (cut >= 0) {
      const p = arg[partIndex] as WordPart & { t: 'lit' };
      patWord = [...arg.slice(0, partIndex), { ...p, v: p.v.slice(0, cut) }];
      repWord = [{ ...p, v: p.v.slice(cut + 1) }, ...arg.slice(partIndex + 1)];
    }
    const pat = expandPattern(patWord, ctx);
    const rep = expandString(repWord, ctx);
    if (pat === '') return v;
    // bash's `${x/#p/r}` and `${x/%p/r}` anchor the pattern at the start or the end
    const body = pat.startsWith('#') || pat.startsWith('%') ? pat.slice(1) : pat;
    const re = new RegExp((pat.startsWith('#') ? '^' : '') + `(?:${patternSource(body)})` + (pat.startsWith('%') ? '$' : ''), op === '//' ? 'g' : '');
    return v.replace(re, () => rep);
  }
  const pat = expandPattern(arg, ctx);
  const chars = [...v];
  const up = chars.map((_, i) => i).concat(chars.length);
  const down = [...up].reverse();
  if (op === '#' || op === '##') {
    for (const n of op === '#' ? up : down) if (matchPattern(pat, chars.slice(0, n).join(''))) return chars.slice(n).join('');
    return v;
  }
  for (const n of op === '%' ? down : up) if (matchPattern(pat, chars.slice(n).join(''))) return chars.slice(0, n).join('');
  return v;
}
