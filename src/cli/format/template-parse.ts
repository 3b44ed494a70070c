/**
 * The parser of Go's text/template/parse: same grammar, same node shapes, same error
 * wording ("template: :1: function \"foo\" not defined"), so docker's --format errors
 * read the same in the classroom as on a real machine.
 */
import { Item, lex, type Token } from './template-lex.js';
import { TemplateError } from './template-error.js';

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

export interface CommandNode {
  type: 'command';
  pos: number;
  args: ArgNode[];
}

export interface PipeNode {
  type: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: Array<{ type: 'variable'; pos: number; ident: string[] }>;
  cmds: CommandNode[];
}

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

export type Node =
  | ListNode
  | BranchNode
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: PipeNode }
  | { type: 'template'; pos: number; name: string; pipe: PipeNode | null }
  | { type: 'break' | 'continue'; pos: number };

type Control = Node | { type: 'end' | 'else'; pos: number; elseKeyword?: Item };

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
function tokenString(t: Token): string {
  if (t.typ === Item.eof) return 'EOF';
  if (t.typ === Item.error) return t.val;
  if (t.typ > Item.keyword) return `<${t.val}>`;
  const chars = Array.from(t.val);
  if (chars.length > 10) return JSON.stringify(chars.slice(0, 10).join('')) + '...';
  return JSON.stringify(t.val);
}

/** strconv.Unquote for "..." and `...` literals. */
function unquote(q: string): string {
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

function newNumber(pos: number, text: string, typ: Item): ArgNode {
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

/** Parses a template; `hasFunction` says which identifiers name functions. */
export function parseTree(text: string, hasFunction: (name: string) => boolean, name = ''): ParsedTemplate {
  const breakOK = !hasFunction('break');
  const continueOK = !hasFunction('continue');
  const tokens = lex(text, breakOK, continueOK);
  let ti = 0;
  const buf: Token[] = [];
  let peekCount = 0;
  let vars: string[] = ['$'];
  let rangeDepth = 0;
  let actionLine = 0;
  const defs = new Map<string, ListNode>();

  const fail = (msg: string): never => {
    throw new TemplateError(`template: ${name}:${buf[0]?.line ?? 1}: ${msg}`);
  };
  const lexNext = () => tokens[Math.min(ti++, tokens.length - 1)];
  // A three-token lookahead buffer, as Go's Tree keeps it; buf[0] is the newest token.
  const next = (): Token => {
    if (peekCount > 0) peekCount--;
    else buf[0] = lexNext();
    return buf[peekCount];
  };
  const backup = () => peekCount++;
  const backup2 = (t1: Token) => {
    buf[1] = t1;
    peekCount = 2;
  };
  const backup3 = (t2: Token, t1: Token) => {
    buf[1] = t1;
    buf[2] = t2;
    peekCount = 3;
  };
  const peek = (): Token => {
    if (peekCount > 0) return buf[peekCount - 1];
    peekCount = 1;
    buf[0] = lexNext();
    return buf[0];
  };
  const nextNonSpace = (): Token => {
    let t: Token;
    do t = next();
    while (t.typ === Item.space);
    return t;
  };
  const peekNonSpace = (): Token => {
    const t = nextNonSpace();
    backup();
    return t;
  };
  const unexpected = (t: Token, context: string): never => {
    if (t.typ === Item.error) {
      let extra = '';
      if (actionLine !== 0 && actionLine !== t.line) {
        extra = ` in action started at ${name}:${actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      return fail(t.val + extra);
    }
    return fail(`unexpected ${tokenString(t)} in ${context}`);
  };
  const expect = (typ: Item, context: string): Token => {
    const t = nextNonSpace();
    if (t.typ !== typ) unexpected(t, context);
    return t;
  };
  const unquoteOrFail = (t: Token): string => {
    try {
      return unquote(t.val);
    } catch (e) {
      return fail((e as Error).message);
    }
  };

  const itemList = (): [ListNode, Control] => {
    const list: ListNode = { type: 'list', pos: peekNonSpace().pos, nodes: [] };
    while (peekNonSpace().typ !== Item.eof) {
      const n = textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n as Node);
    }
    return fail('unexpected EOF');
  };

  const textOrAction = (): Control => {
    const t = nextNonSpace();
    if (t.typ === Item.text) return { type: 'text', pos: t.pos, text: t.val };
    if (t.typ === Item.leftDelim) {
      actionLine = t.line;
      try {
        return action();
      } finally {
        actionLine = 0;
      }
    }
    return unexpected(t, 'input');
  };

  const action = (): Control => {
    const t = nextNonSpace();
    switch (t.typ) {
      case Item.block:
        return blockControl();
      case Item.break:
      case Item.continue: {
        const word = t.typ === Item.break ? 'break' : 'continue';
        const after = nextNonSpace();
        if (after.typ !== Item.rightDelim) unexpected(after, `{{${word}}}`);
        if (rangeDepth === 0) fail(`{{${word}}} outside {{range}}`);
        return { type: word, pos: t.pos };
      }
      case Item.else: {
        const p = peekNonSpace();
        if (p.typ === Item.if || p.typ === Item.with) return { type: 'else', pos: p.pos, elseKeyword: p.typ };
        return { type: 'else', pos: expect(Item.rightDelim, 'else').pos };
      }
      case Item.end:
        return { type: 'end', pos: expect(Item.rightDelim, 'end').pos };
      case Item.if:
        return control('if', true);
      case Item.range:
        return control('range', false);
      case Item.with:
        return control('with', true);
      case Item.template: {
        const tok = nextNonSpace();
        const tname = templateName(tok, 'template clause');
        let pipe: PipeNode | null = null;
        if (nextNonSpace().typ !== Item.rightDelim) {
          backup();
          pipe = pipeline('template clause', Item.rightDelim);
        }
        return { type: 'template', pos: tok.pos, name: tname, pipe };
      }
    }
    backup();
    return { type: 'action', pos: peek().pos, pipe: pipeline('command', Item.rightDelim) };
  };

  const templateName = (t: Token, context: string): string => {
    if (t.typ !== Item.string && t.typ !== Item.rawString) unexpected(t, context);
    return unquoteOrFail(t);
  };

  const addDefinition = (defName: string, root: ListNode) => {
    const prev = defs.get(defName);
    if (prev && !isEmptyTree(prev) && !isEmptyTree(root)) fail(`template: multiple definition of template ${JSON.stringify(defName)}`);
    if (!prev || isEmptyTree(prev)) defs.set(defName, root);
  };

  const blockControl = (): Node => {
    const tok = nextNonSpace();
    const bname = templateName(tok, 'block clause');
    const pipe = pipeline('block clause', Item.rightDelim);
    const saved = vars;
    vars = ['$'];
    const [root, end] = itemList();
    vars = saved;
    if (end.type !== 'end') fail(`unexpected ${controlString(end)} in block clause`);
    addDefinition(bname, root);
    return { type: 'template', pos: tok.pos, name: bname, pipe };
  };

  const control = (kind: 'if' | 'range' | 'with', allowElseChain: boolean): Node => {
    const mark = vars.length;
    const pipe = pipeline(kind, Item.rightDelim);
    if (kind === 'range') rangeDepth++;
    let [list, next] = itemList();
    if (kind === 'range') rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.type === 'else') {
      const chained = next.type === 'else' && next.elseKeyword;
      // {{else if}} and {{else with}} (Go 1.23) nest a new control inside the else branch.
      if (allowElseChain && chained && (chained === Item.if) === (kind === 'if')) {
        nextNonSpace();
        elseList = { type: 'list', pos: next.pos, nodes: [control(kind, true)] };
      } else {
        [elseList, next] = itemList();
        if (next.type !== 'end') fail(`expected end; found ${controlString(next)}`);
      }
    }
    vars = vars.slice(0, mark);
    return { type: kind, pos: pipe.pos, pipe, list, elseList };
  };

  const pipeline = (context: string, end: Item): PipeNode => {
    const pipe: PipeNode = { type: 'pipe', pos: peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = peekNonSpace();
      if (v.typ !== Item.variable) break;
      next();
      const afterVar = peek();
      const nxt = peekNonSpace();
      if (nxt.typ === Item.assign || nxt.typ === Item.declare) {
        pipe.isAssign = nxt.typ === Item.assign;
        nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        vars.push(v.val);
      } else if (nxt.typ === Item.char && nxt.val === ',') {
        nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = peekNonSpace().typ;
          if (p === Item.variable || p === Item.rightDelim || p === Item.rightParen) continue decls;
          fail('range can only initialize variables');
        }
        fail(`too many declarations in ${context}`);
      } else if (afterVar.typ === Item.space) backup3(v, afterVar);
      else backup2(v);
      break;
    }
    for (;;) {
      const t = nextNonSpace();
      if (t.typ === end) {
        if (pipe.cmds.length === 0) fail(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, i) => {
          if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0].type)) {
            fail(`non executable command in pipeline stage ${i + 2}`);
          }
        });
        return pipe;
      }
      switch (t.typ) {
        case Item.bool: case Item.charConstant: case Item.complex: case Item.dot: case Item.field:
        case Item.identifier: case Item.number: case Item.nil: case Item.rawString: case Item.string:
        case Item.variable: case Item.leftParen:
          backup();
          pipe.cmds.push(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  };

  const command = (): CommandNode => {
    const cmd: CommandNode = { type: 'command', pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.typ === Item.space) continue;
      if (t.typ === Item.rightDelim || t.typ === Item.rightParen) backup();
      else if (t.typ !== Item.pipe) unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) fail('empty command');
    return cmd;
  };

  const operand = (): ArgNode | null => {
    const node = term();
    if (!node || peek().typ !== Item.field) return node;
    const fields: string[] = [];
    const pos = peek().pos;
    while (peek().typ === Item.field) fields.push(next().val.slice(1));
    switch (node.type) {
      case 'field':
        return { type: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { type: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return fail(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      default:
        return { type: 'chain', pos, node, field: fields };
    }
  };

  const term = (): ArgNode | null => {
    const t = nextNonSpace();
    switch (t.typ) {
      case Item.identifier:
        if (!hasFunction(t.val)) fail(`function ${JSON.stringify(t.val)} not defined`);
        return { type: 'identifier', pos: t.pos, ident: t.val };
      case Item.dot:
        return { type: 'dot', pos: t.pos };
      case Item.nil:
        return { type: 'nil', pos: t.pos };
      case Item.variable: {
        const ident = t.val.split('.');
        if (!vars.includes(ident[0])) fail(`undefined variable ${JSON.stringify(ident[0])}`);
        return { type: 'variable', pos: t.pos, ident };
      }
      case Item.field:
        return { type: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case Item.bool:
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case Item.charConstant:
      case Item.complex:
      case Item.number:
        try {
          return newNumber(t.pos, t.val, t.typ);
        } catch (e) {
          return fail((e as Error).message);
        }
      case Item.leftParen:
        return pipeline('parenthesized pipeline', Item.rightParen);
      case Item.string:
      case Item.rawString:
        return { type: 'string', pos: t.pos, quoted: t.val, text: unquoteOrFail(t) };
    }
    backup();
    return null;
  };

  // Top level: text, actions and {{define}} blocks until EOF.
  const root: ListNode = { type: 'list', pos: peek().pos, nodes: [] };
  while (peek().typ !== Item.eof) {
    if (peek().typ === Item.leftDelim) {
      const delim = next();
      if (nextNonSpace().typ === Item.define) {
        const defName = templateName(nextNonSpace(), 'define clause');
        expect(Item.rightDelim, 'define clause');
        const saved = vars;
        vars = ['$'];
        const [body, end] = itemList();
        vars = saved;
        if (end.type !== 'end') fail(`unexpected ${controlString(end)} in define clause`);
        addDefinition(defName, body);
        continue;
      }
      backup2(delim);
    }
    const n = textOrAction();
    if (n.type === 'end' || n.type === 'else') fail(`unexpected ${controlString(n)}`);
    root.nodes.push(n as Node);
  }
  return { name, text, root, defs };
}

function controlString(n: Control): string {
  return n.type === 'end' || n.type === 'else' ? `{{${n.type}}}` : nodeString(n as Node);
}

function isEmptyTree(n: ListNode): boolean {
  return n.nodes.every((x) => x.type === 'text' && x.text.trim() === '');
}
