/**
 * The interpreter: runs the syntax tree against a shell's variables,
 * functions, options and file descriptors (simple commands are in simple.ts).
 */
import type { Node, Redir, Script } from './ast.js';
import { ExitError, LoopControl, ReturnError } from './control.js';
import { ExpansionError, expandPattern, expandString, expandWords, type ExpandCtx } from './expand.js';
import { ArithError } from './arith.js';
import { matchPattern } from './glob.js';
import { ShellSyntaxError } from './lexer.js';
import { Parser } from './parser.js';
import { inStream, type FdTable, type Machine, type OutStream, type Stream } from './process.js';
import { applyRedirs, RedirError, type FileSink } from './redirect.js';
import { runSimple, syntaxMessage } from './simple.js';
import type { CommandIO, ShellFlavor } from './types.js';
import { homeOf } from '../fs/accounts.js';

/** The process-wide context a shell runs in (fixed for its lifetime; subshells share it). */
export type ProcessBase = Omit<CommandIO, 'stdout' | 'stderr' | 'stdin' | 'env' | 'cwd'>;

export interface ShellOptionsState {
  errexit: boolean;
  xtrace: boolean;
  pipefail: boolean;
  nounset: boolean;
  noglob: boolean;
}

/** One shell process: `sh -c`, a script, or a subshell copy of another. */
export class Shell implements ExpandCtx {
  vars = new Map<string, string>();
  exported = new Set<string>();
  readonlyVars = new Set<string>();
  funcs = new Map<string, Node>();
  opts: ShellOptionsState = { errexit: false, xtrace: false, pipefail: false, nounset: false, noglob: false };
  status = 0;
  line = 1;
  lastBg = '';
  /** Files opened by redirections and still buffering; flushed before programs that may read them. */
  openFiles = new Set<FileSink>();
  /** The `trap ... EXIT` action, run when the shell ends. */
  exitTrap: string | undefined;
  /** Saved values of `local` variables, one frame per running function. */
  localFrames: Map<string, { value: string | undefined; exported: boolean }>[] = [];
  private suppressErrexit = 0;
  /** Status of the last command substitution, which an assignment-only command returns. */
  lastSubstStatus: number | null = null;

  constructor(
    readonly base: ProcessBase,
    readonly machine: Machine,
    public fds: FdTable,
    public cwd: string,
    public arg0: string,
    public args: string[],
    readonly flavor: ShellFlavor,
    readonly pid: number,
    /** True when running a script file: busybox then names it and the line in messages. */
    readonly isScript = false,
  ) {}

  get fs() {
    return this.base.fs;
  }
  get noglob() {
    return this.opts.noglob;
  }
  get nounset() {
    return this.opts.nounset;
  }
  get braceExpansion() {
    return this.flavor === 'bash';
  }

  // ---- variables ----------------------------------------------------------

  get(name: string): string | undefined {
    switch (name) {
      case '?': return String(this.status);
      case '$': return String(this.pid);
      case '#': return String(this.args.length);
      case '0': return this.arg0;
      case '!': return this.lastBg;
      case '-': return (this.opts.errexit ? 'e' : '') + (this.opts.nounset ? 'u' : '') + (this.opts.xtrace ? 'x' : '') + (this.opts.noglob ? 'f' : '');
    }
    return this.vars.get(name);
  }

  set(name: string, value: string): void {
    if (this.readonlyVars.has(name)) this.expansionFailure(new ExpansionError(`${name}: is read only`));
    this.vars.set(name, value);
  }

  params(): string[] {
    return this.args;
  }

  homeOf(user: string): string | undefined {
    return homeOf(this, user);
  }

  /** This process as a CommandIO for reading files and stat (no output, no stdin). */
  view(): CommandIO {
    return { ...this.base, env: this.environ(), cwd: this.cwd, stdin: '', stdout: (s) => this.out(s), stderr: (s) => this.err(s) };
  }

  /** The environment programs get: exported variables. */
  environ(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const n of this.exported) {
      const v = this.vars.get(n);
      if (v !== undefined) env[n] = v;
    }
    return env;
  }

  // ---- output -------------------------------------------------------------

  write(fd: number, s: string): void {
    const st = this.fds.get(fd);
    if (st && st.kind === 'out') st.write(s);
  }
  out(s: string): void {
    this.write(1, s);
  }
  err(s: string): void {
    this.write(2, s);
  }

  /** A diagnostic line in this shell's wording, e.g. `sh: cd: line 1: can't cd to /x` (busybox). */
  msg(text: string, cmd?: string): string {
    const a0 = this.arg0;
    if (this.flavor === 'dash') return `${a0}: ${this.line}: ${cmd ? cmd + ': ' : ''}${text}\n`;
    if (this.flavor === 'bash') return `${a0}: line ${this.line}: ${cmd ? cmd + ': ' : ''}${text}\n`;
    const name = cmd ?? (this.isScript ? a0 : undefined);
    if (name === undefined) return `${a0}: ${text}\n`;
    return `${a0}: ${name !== a0 ? name + ': ' : ''}line ${this.line}: ${text}\n`;
  }

  // ---- running ------------------------------------------------------------

  /** Parses and runs a script one top-level command at a time; returns the exit status. */
  runSource(src: string): number {
    const parser = new Parser(src);
    for (;;) {
      let node: Node | null;
      try {
        node = parser.nextCommand();
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        this.line = e.line;
        this.err(syntaxMessage(this, e));
        throw new ExitError(2);
      }
      if (!node) return this.status;
      this.run(node);
    }
  }

  /** Runs a script as the body of this process: `exit` ends it. */
  main(src: string): number {
    let status = this.runChild({ type: 'script', src });
    if (this.exitTrap !== undefined) {
      // the EXIT trap runs once with $? set to the script's status; only its own `exit` changes that status
      const action = this.exitTrap;
      this.exitTrap = undefined;
      this.status = status;
      try {
        this.runSource(action);
      } catch (e) {
        if (e instanceof ExitError) status = e.code;
        else if (!(e instanceof ReturnError || e instanceof LoopControl)) throw e;
      }
    }
    this.flushFiles();
    return (this.status = status);
  }

  /** A copy for `( ... )`, pipelines and `$(...)`: changes stay inside it. */
  clone(fds: FdTable = new Map(this.fds)): Shell {
    const s = new Shell(this.base, this.machine, fds, this.cwd, this.arg0, [...this.args], this.flavor, this.pid, this.isScript);
    s.vars = new Map(this.vars);
    s.exported = new Set(this.exported);
    s.readonlyVars = new Set(this.readonlyVars);
    s.funcs = new Map(this.funcs);
    s.opts = { ...this.opts };
    s.status = this.status;
    s.line = this.line;
    s.openFiles = this.openFiles;
    s.suppressErrexit = this.suppressErrexit;
    s.localFrames = this.localFrames.map(() => new Map());
    return s;
  }

  /** Runs a node (or script text) in this shell as a process: `exit` and `return` end it with their status. */
  runChild(node: Node | { type: 'script'; src: string }): number {
    try {
      return node.type === 'script' ? this.runSource(node.src) : this.run(node);
    } catch (e) {
      if (e instanceof ExitError) return e.code;
      if (e instanceof ReturnError) return e.code;
      if (e instanceof LoopControl) return this.status;
      throw e;
    }
  }

  subst(body: Script): string {
    let text = '';
    const fds = new Map(this.fds);
    fds.set(1, { kind: 'out', write: (s) => (this.machine.wrote(s.length), (text += s)) });
    const sub = this.clone(fds);
    sub.status = 0;
    this.lastSubstStatus = body.commands.length === 0 ? 0 : sub.runChild({ type: 'list', items: body.commands });
    return text;
  }

  run(node: Node): number {
    switch (node.type) {
      case 'simple':
        this.status = runSimple(this, node);
        this.checkErrexit();
        return this.status;
      case 'pipeline':
        this.status = this.runPipeline(node.cmds, node.negate);
        if (!node.negate) this.checkErrexit();
        return this.status;
      case 'andor': {
        this.suppressErrexit++;
        let st: number;
        try {
          st = this.run(node.first);
          for (let i = 0; i < node.rest.length - 1; i++) {
            const r = node.rest[i]!;
            if ((r.op === '&&') === (st === 0)) st = this.run(r.node);
          }
        } finally {
          this.suppressErrexit--;
        }
        const last = node.rest[node.rest.length - 1]!;
        if ((last.op === '&&') === (st === 0)) return this.run(last.node);
        return (this.status = st);
      }
      case 'list':
        for (const n of node.items) this.run(n);
        return this.status;
      case 'bg': {
        this.clone().runChild(node.body);
        this.lastBg = String(this.pid + 1);
        return (this.status = 0);
      }
      case 'subshell':
        this.status = this.withRedirs(node.redirs, () => this.clone().runChild(node.body));
        this.checkErrexit();
        return this.status;
      case 'group':
        return (this.status = this.withRedirs(node.redirs, () => this.run(node.body)));
      case 'if':
        return (this.status = this.withRedirs(node.redirs, () => {
          for (const c of node.clauses) {
            if (this.condition(c.cond) === 0) return this.run(c.body);
          }
          return node.else ? this.run(node.else) : 0;
        }));
      case 'for':
        return (this.status = this.withRedirs(node.redirs, () => {
          const items = node.items ? this.expanding(() => expandWords(node.items!, this)) : [...this.args];
          let st = 0;
          for (const v of items) {
            this.set(node.name, v);
            const r = this.loopBody(node.body);
            st = r.status;
            if (r.stop) break;
          }
          return st;
        }));
      case 'loop':
        return (this.status = this.withRedirs(node.redirs, () => {
          let st = 0;
          for (;;) {
            const c = this.condition(node.cond);
            if ((c === 0) === node.until) break;
            const r = this.loopBody(node.body);
            st = r.status;
            if (r.stop) break;
          }
          return st;
        }));
      case 'case':
        return (this.status = this.withRedirs(node.redirs, () => {
          const w = this.expanding(() => expandString(node.word, this));
          for (const item of node.items) {
            if (item.patterns.some((p) => matchPattern(expandPattern(p, this), w))) return item.body ? this.run(item.body) : 0;
          }
          return 0;
        }));
      case 'func':
        this.funcs.set(node.name, node.body);
        return (this.status = 0);
    }
  }

  private condition(node: Node): number {
    this.suppressErrexit++;
    try {
      return this.run(node);
    } finally {
      this.suppressErrexit--;
    }
  }

  private loopBody(body: Node): { status: number; stop: boolean } {
    try {
      return { status: this.run(body), stop: false };
    } catch (e) {
      if (!(e instanceof LoopControl)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return { status: this.status, stop: e.kind === 'break' };
    }
  }

  private checkErrexit(): void {
    if (this.status !== 0 && this.opts.errexit && this.suppressErrexit === 0) throw new ExitError(this.status);
  }

  private runPipeline(cmds: Node[], negate: boolean): number {
    let st: number;
    if (cmds.length === 1) {
      st = negate ? this.condition(cmds[0]!) : this.run(cmds[0]!);
    } else {
      let input: string | null = null;
      const statuses: number[] = [];
      cmds.forEach((cmd, i) => {
        const fds = new Map(this.fds);
        if (input !== null) fds.set(0, inStream(input));
        let captured = '';
        if (i < cmds.length - 1) fds.set(1, { kind: 'out', write: (s) => (this.machine.wrote(s.length), (captured += s)) });
        statuses.push(this.clone(fds).runChild(cmd));
        input = captured;
      });
      st = statuses[statuses.length - 1]!;
      if (this.opts.pipefail) st = [...statuses].reverse().find((s) => s !== 0) ?? 0;
    }
    return negate ? +(st === 0) : st;
  }

  /** Runs `fn` with the redirections applied; a failed redirection skips it (status 1, 2 in dash). */
  withRedirs(redirs: Redir[], fn: () => number, permanent = false): number {
    if (redirs.length === 0) return fn();
    const saved = this.fds;
    const opened: FileSink[] = [];
    try {
      this.fds = applyRedirs(this, redirs, opened);
    } catch (e) {
      for (const f of opened) f.close();
      if (e instanceof RedirError) {
        this.err(this.msg(e.message));
        return this.flavor === 'dash' ? 2 : 1;
      }
      if (e instanceof ExpansionError || e instanceof ArithError) return this.expansionFailure(e);
      throw e;
    }
    if (permanent) return 0;
    try {
      return fn();
    } finally {
      this.fds = saved;
      for (const f of opened) f.close();
    }
  }

  /** Writes buffered redirection output to the Fs, so a program reading the file sees it. */
  flushFiles(): void {
    for (const f of this.openFiles) f.flush();
  }

  private expanding<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ExpansionError || e instanceof ArithError) this.expansionFailure(e);
      throw e;
    }
  }

  /** A failed expansion ends a non-interactive shell, as in ash and dash. */
  expansionFailure(e: Error): never {
    this.err(this.msg(e.message));
    throw new ExitError(this.flavor === 'bash' ? 1 : 2);
  }

  /** Sets a variable from an assignment, reporting a read-only one. */
  assign(name: string, value: string): boolean {
    if (this.readonlyVars.has(name)) {
      this.err(this.msg(`${name}: is read only`));
      return false;
    }
    this.vars.set(name, value);
    return true;
  }

  /** Reads one line from standard input; `complete` is false when end of input came before a newline. */
  readLine(): { text: string; complete: boolean } | null {
    const st = this.fds.get(0);
    if (!st || st.kind !== 'in' || st.pos >= st.text.length) return null;
    const nl = st.text.indexOf('\n', st.pos);
    const end = nl < 0 ? st.text.length : nl;
    const text = st.text.slice(st.pos, end);
    st.pos = nl < 0 ? st.text.length : nl + 1;
    return { text, complete: nl >= 0 };
  }

  /** The output stream for a descriptor, or a sink that drops writes when it is closed. */
  outStream(fd: number): OutStream {
    const st: Stream | undefined = this.fds.get(fd);
    return st && st.kind === 'out' ? st : { kind: 'out', write: () => {} };
  }
}
