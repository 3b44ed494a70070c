/**
 * Simple commands: expand the words, apply assignments, then run a special
 * builtin, a function, a regular builtin or a program from PATH, in that
 * order, inside the command's redirections. Also the shell's wording of
 * syntax errors and `set -x` traces.
 */
import type { Node } from './ast.js';
import { ArithError } from './arith.js';
import { BUILTINS, SPECIAL_BUILTINS } from './builtins.js';
import { ReturnError } from './control.js';
import { runExternal } from './exec.js';
import { ExpansionError, expandString, expandWords } from './expand.js';
import type { Shell } from './interp.js';
import type { ShellSyntaxError } from './lexer.js';

/** Quotes an argument for `set -x` output as busybox does. */
function traceQuote(s: string): string {
  if (/^[A-Za-z0-9_/.,:=+@%^-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Runs one simple command and returns its exit status. */
export function runSimple(sh: Shell, node: Node & { type: 'simple' }): number {
  sh.machine.step(sh.base.signal);
  sh.line = node.line;
  sh.lastSubstStatus = null;
  let argv: string[];
  let assigns: [string, string][];
  try {
    argv = expandWords(node.words, sh);
    assigns = node.assigns.map((a) => [a.name, expandString(a.value, sh)]);
  } catch (e) {
    if (e instanceof ExpansionError || e instanceof ArithError) return sh.expansionFailure(e);
    throw e;
  }
  if (sh.opts.xtrace && (argv.length > 0 || assigns.length > 0)) {
    sh.err('+ ' + [...assigns.map(([n, v]) => `${n}=${traceQuote(v)}`), ...argv.map(traceQuote)].join(' ') + '\n');
  }
  if (argv.length === 0) {
    for (const [n, v] of assigns) if (!sh.assign(n, v)) return 1;
    const st = sh.lastSubstStatus ?? 0;
    return sh.withRedirs(node.redirs, () => st);
  }
  const name = argv[0]!;
  if (name === 'exec' && argv.length === 1) {
    for (const [n, v] of assigns) sh.assign(n, v);
    return sh.withRedirs(node.redirs, () => 0, true);
  }
  const builtin = BUILTINS.get(name);
  if (builtin && SPECIAL_BUILTINS.has(name)) {
    for (const [n, v] of assigns) if (!sh.assign(n, v)) return 1;
    return sh.withRedirs(node.redirs, () => builtin(sh, argv));
  }
  const fn = sh.funcs.get(name);
  if (fn) return withTemp(sh, assigns, () => sh.withRedirs(node.redirs, () => callFunction(sh, fn, argv)));
  if (builtin) return withTemp(sh, assigns, () => sh.withRedirs(node.redirs, () => builtin(sh, argv)));
  return sh.withRedirs(node.redirs, () => runExternal(sh, argv, Object.fromEntries(assigns)));
}

/** Prefix assignments for a function or builtin: visible (and exported) only while it runs. */
function withTemp(sh: Shell, assigns: [string, string][], fn: () => number): number {
  if (assigns.length === 0) return fn();
  const saved = assigns.map(([n]) => [n, sh.vars.get(n), sh.exported.has(n)] as const);
  for (const [n, v] of assigns) {
    sh.vars.set(n, v);
    sh.exported.add(n);
  }
  try {
    return fn();
  } finally {
    for (const [n, v, ex] of saved) {
      if (v === undefined) sh.vars.delete(n);
      else sh.vars.set(n, v);
      if (!ex) sh.exported.delete(n);
    }
  }
}

/** Calls a shell function: its own positional parameters and `local` frame. */
function callFunction(sh: Shell, body: Node, argv: string[]): number {
  const saved = sh.args;
  sh.args = argv.slice(1);
  const frame = new Map<string, { value: string | undefined; exported: boolean }>();
  sh.localFrames.push(frame);
  try {
    return sh.machine.nested(() => sh.run(body));
  } catch (e) {
    if (e instanceof ReturnError) return (sh.status = e.code);
    throw e;
  } finally {
    sh.args = saved;
    sh.localFrames.pop();
    for (const [n, v] of frame) {
      if (v.value === undefined) sh.vars.delete(n);
      else sh.vars.set(n, v.value);
      if (v.exported) sh.exported.add(n);
      else sh.exported.delete(n);
    }
  }
}

/** A syntax error in the wording of the shell's flavor. */
export function syntaxMessage(sh: Shell, e: ShellSyntaxError): string {
  const tok = e.token;
  if (sh.flavor === 'dash') {
    const what = e.kind === 'eof' ? 'end of file unexpected' : e.kind === 'quote' ? 'Unterminated quoted string' : `"${tok}" unexpected`;
    return sh.msg(`Syntax error: ${what}`);
  }
  if (sh.flavor === 'bash') {
    const what = e.kind === 'eof' ? 'syntax error: unexpected end of file' : e.kind === 'quote' ? `unexpected EOF while looking for matching \`${tok}'` : `syntax error near unexpected token \`${tok}'`;
    return `${sh.arg0}: -c: line ${e.line}: ${what}\n`;
  }
  return sh.msg(`syntax error: ${e.kind === 'token' ? `unexpected "${tok}"` : e.message}`);
}
