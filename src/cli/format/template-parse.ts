/**
 * The parser of Go's text/template/parse: same grammar, same node shapes, same error
 * wording ("template: :1: function \"foo\" not defined"), so docker's --format errors
 * read the same in the classroom as on a real machine.
 */
import { TemplateError } from './template-error.js';
import { Item, lex, type Token } from './template-lex.js';
import {
  newNumber,
  nodeString,
  tokenString,
  unquote,
  type ArgNode,
  type CommandNode,
  type Control,
  type ListNode,
  type Node,
  type ParsedTemplate,
  type PipeNode,
} from './template-nodes.js';

export { nodeString } from './template-nodes.js';
export type { ArgNode, BranchNode, CommandNode, ListNode, Node, ParsedTemplate, PipeNode } from './template-nodes.js';

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
