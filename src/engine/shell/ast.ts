/**
 * The syntax tree of a shell command line, in the POSIX grammar's own terms
 * (simple command, pipeline, and-or list, compound commands). Words keep their
 * quoting so expansion can tell `"$x"` from `$x`.
 */

/** One piece of a word; `quoted` marks text that field splitting and globbing must leave alone. */
export type WordPart =
  | { t: 'lit'; v: string; quoted: boolean }
  | { t: 'tilde'; user: string }
  | { t: 'param'; name: string; op?: ParamOp; arg?: Word; quoted: boolean }
  | { t: 'length'; name: string; quoted: boolean }
  | { t: 'cmd'; body: Script; quoted: boolean }
  | { t: 'arith'; expr: Word; quoted: boolean };

/** `${name OP arg}` operators; `/` and `//` are the bash/busybox replacement forms, `:` substring. */
export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%' | '/' | '//' | ':';

export type Word = WordPart[];

export type RedirOp = '>' | '>>' | '<' | '>|' | '<>' | '>&' | '<&' | '&>' | '&>>' | '<<' | '<<-';

export interface Redir {
  op: RedirOp;
  /** The file descriptor redirected; undefined means the operator's default (0 or 1). */
  fd?: number;
  target: Word;
  /** Here-document body, filled in when the parser reaches the end of the line. */
  here?: { body: Word; quoted: boolean };
}

export interface Assign {
  name: string;
  value: Word;
}

export type Node =
  | { type: 'simple'; assigns: Assign[]; words: Word[]; redirs: Redir[]; line: number }
  | { type: 'pipeline'; cmds: Node[]; negate: boolean; line: number }
  | { type: 'andor'; first: Node; rest: { op: '&&' | '||'; node: Node }[] }
  | { type: 'list'; items: Node[] }
  /** `cmd &`: the simulator runs it to completion at once, and the list goes on with status 0. */
  | { type: 'bg'; body: Node }
  | { type: 'subshell'; body: Node; redirs: Redir[] }
  | { type: 'group'; body: Node; redirs: Redir[] }
  | { type: 'if'; clauses: { cond: Node; body: Node }[]; else?: Node; redirs: Redir[] }
  | { type: 'for'; name: string; items: Word[] | null; body: Node; redirs: Redir[] }
  | { type: 'loop'; until: boolean; cond: Node; body: Node; redirs: Redir[] }
  | { type: 'case'; word: Word; items: { patterns: Word[]; body: Node | null }[]; redirs: Redir[] }
  | { type: 'func'; name: string; body: Node; line: number };

/** A parsed script: its top-level commands in order. */
export interface Script {
  commands: Node[];
}
