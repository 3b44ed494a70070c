/**
 * Nodes of a parsed Go template, their Go String() forms (quoted in error messages)
 * and the literal decoders (strconv.Unquote, number constants) the parser relies on.
 */
import { TemplateError } from './template-error.js';
import { Item, type Token } from './template-lex.js';

/** Operands of a command: fields, variables, chains, function names, literals, (pipelines). */
export type ArgNode =
  | { type: 'field'; pos: number; ident: string[] }
  | { type: 'variable'; pos: number; ident: string[] }
  | { type: 'chain'; pos: number; node: ArgNode; field: string[] }
  | { type: 'identifier'; pos: number; ident: string }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'number'; pos: number; text: string; isInt: boolean; isFloat: boolean; int: bigint; float: number }
  | { type: 'string'; pos: number; quoted: string; text: string }
  | PipeNode;

/** One stage of a pipeline: an operand followed by its arguments. */
export interface CommandNode {
  type: 'command';
  pos: number;
  args: ArgNode[];
}

/** A pipeline with its variable declarations (`$x :=`) or assignments (`$x =`). */
export interface PipeNode {
  type: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: Array<{ type: 'variable'; pos: number; ident: string[] }>;
  cmds: CommandNode[];
}

/** A sequence of nodes. */
export interface ListNode {
  type: 'list';
  pos: number;
  nodes: Node[];
}

/** {{if}}, {{with}} and {{range}}: a pipeline, a body and an optional else branch. */
export interface BranchNode {
  type: 'if' | 'with' | 'range';
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}

/** Nodes that make up a template body. */
export type Node =
  | ListNode
  | BranchNode
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: PipeNode }
  | { type: 'template'; pos: number; name: string; pipe: PipeNode | null }
  | { type: 'break' | 'continue'; pos: number };

/** What the parser's item loop returns: a node, or the {{end}}/{{else}} that stopped it. */
export type Control = Node | { type: 'end' | 'else'; pos: number; elseKeyword?: Item };

/** A parsed template: its root and the templates it defines ({{define}}/{{block}}). */
export interface ParsedTemplate {
  name: string;
  text: string;
  root: ListNode;
  defs: Map<string, ListNode>;
}

/** Go's Node.String(), used for the `<...>` context of execution errors. */
export function nodeString(n: ArgNode | CommandNode | Node): string {
  switch (n.type) {
    case 'field':
      return '.' + n.ident.join('.');
    case 'variable':
      return n.ident.join('.');
    case 'chain': {
      const inner = n.node.type === 'pipe' ? '(' + nodeString(n.node) + ')' : nodeString(n.node);
      return inner + '.' + n.field.join('.');
    }
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'pipe': {
      const decl = n.decl.length > 0 ? n.decl.map(nodeString).join(', ') + ' := ' : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? '(' + nodeString(a) + ')' : nodeString(a))).join(' ');
    case 'action':
      return '{{' + nodeString(n.pipe) + '}}';
    case 'text':
      return n.text;
    case 'template':
      return `{{template ${JSON.stringify(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'if':
    case 'with':
    case 'range': {
      const elseList = n.elseList ? '{{else}}' + nodeString(n.elseList) : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${elseList}{{end}}`;
    }
    case 'list':
      return n.nodes.map(nodeString).join('');
    default:
      return `{{${n.type}}}`;
  }
}

/** Go's item.String(), which parse errors quote ("unexpected \"}\" in operand"). */
export function tokenString(t: Token): string {
  if (t.typ === Item.eof) return 'EOF';
  if (t.typ === Item.error) return t.val;
  if (t.typ > Item.keyword) return `<${t.val}>`;
  const chars = Array.from(t.val);
  if (chars.length > 10) return JSON.stringify(chars.slice(0, 10).join('')) + '...';
  return JSON.stringify(t.val);
}

/** strconv.Unquote for "..." and `...` literals. */
export function unquote(q: string): string {
  if (q[0] === '`') return q.slice(1, -1).replace(/\r/g, '');
  const body = q.slice(1, -1);
  const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
  return body.replace(/\\(?:([abfnrtv\\"])|x([0-9a-fA-F]{2})|([0-7]{3})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.?))/gsu, (_m, s, x, o, u, U, bad) => {
    if (s) return simple[s];
    if (bad !== undefined) throw new TemplateError('invalid syntax');
    const cp = parseInt(x ?? o ?? u ?? U, x || u || U ? 16 : 8);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new TemplateError('invalid syntax');
    return String.fromCodePoint(cp);
  });
}

function parseGoInt(text: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m || /__|_$|^[+-]?_/.test(text)) return null;
  let digits = m[2].replace(/_/g, '');
  if (/^0[0-7]+$/.test(digits)) digits = '0o' + digits.slice(1);
  const v = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : null;
}

/** Go's parse.newNumber: a numeric, character or overflow-checked constant. */
export function newNumber(pos: number, text: string, typ: Item): ArgNode {
  if (typ === Item.charConstant) {
    let ch: string;
    try {
      ch = unquote('"' + text.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"') + '"');
    } catch {
      throw new TemplateError(`malformed character constant: ${text}`);
    }
    const cps = Array.from(ch);
    if (cps.length !== 1) throw new TemplateError(`malformed character constant: ${text}`);
    const cp = cps[0].codePointAt(0)!;
    return { type: 'number', pos, text, isInt: true, isFloat: true, int: BigInt(cp), float: cp };
  }
  if (typ === Item.complex || text.endsWith('i')) throw new TemplateError(`complex constants are not supported: ${JSON.stringify(text)}`);
  const i = parseGoInt(text);
  if (i !== null) return { type: 'number', pos, text, isInt: true, isFloat: true, int: i, float: Number(i) };
  const clean = text.replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(clean)) {
    if (!/[.eEpP]/.test(text)) throw new TemplateError(`integer overflow: ${JSON.stringify(text)}`);
    const f = Number(clean);
    const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
    return { type: 'number', pos, text, isInt, isFloat: true, int: isInt ? BigInt(f) : 0n, float: f };
  }
  throw new TemplateError(`illegal number syntax: ${JSON.stringify(text)}`);
}

