/**
 * The executor of Go's text/template (exec.go), ported function by function over the
 * value model of go-value.ts: the same evaluation order, the same "<no value>" rules
 * and the same error texts, located at the same node.
 */
import { formatValue } from './go-fmt.js';
import { GoNil, goTypeName, isExported, isStruct, isTrue, kindOf, mapEntries, mapGet, structHas } from './go-value.js';
import { TemplateError } from './template-error.js';
import type { FuncMap, ParamType, TemplateFunc } from './template-funcs.js';
import { nodeString, type ArgNode, type BranchNode, type CommandNode, type Node, type ParsedTemplate, type PipeNode } from './template-parse.js';
import { utf8Length } from './text.js';

/** What a missing map key yields: Go's missingkey option. */
export type MissingKey = 'default' | 'invalid' | 'zero' | 'error';

const MISSING = Symbol('missingVal');
const MAX_DEPTH = 1000;

class Abort {
  constructor(readonly message: string) {}
}
class BreakSignal {}
class ContinueSignal {}

type AnyNode = Node | ArgNode | CommandNode;

/** Runs a parsed template over data; throws TemplateError carrying the partial output. */
export function execute(tmpl: ParsedTemplate, data: unknown, funcs: FuncMap, builtins: FuncMap, missingKey: MissingKey = 'default'): string {
  const out: string[] = [];
  let node: AnyNode | null = null;
  let vars: Array<{ name: string; value: unknown }> = [{ name: '$', value: data === null ? undefined : data }];
  let depth = 0;

  const at = (n: AnyNode) => {
    node = n;
  };
  const errorf = (msg: string): never => {
    if (node === null) throw new Abort(`template: ${tmpl.name}: ${msg}`);
    const pos = node.pos;
    const before = tmpl.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    const col = utf8Length(nl < 0 ? before : before.slice(nl + 1));
    throw new Abort(`template: ${tmpl.name}:${line}:${col}: executing ${JSON.stringify(tmpl.name)} at <${nodeString(node)}>: ${msg}`);
  };

  const varValue = (name: string): unknown => {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i].name === name) return vars[i].value;
    return errorf(`undefined variable: ${name}`);
  };
  const setVar = (name: string, value: unknown) => {
    for (let i = vars.length - 1; i >= 0; i--) {
      if (vars[i].name === name) {
        vars[i].value = value;
        return;
      }
    }
    errorf(`undefined variable: ${name}`);
  };

  const findFunction = (name: string): [TemplateFunc, boolean] | null => {
    if (Object.prototype.hasOwnProperty.call(funcs, name)) return [funcs[name], false];
    if (Object.prototype.hasOwnProperty.call(builtins, name)) return [builtins[name], true];
    return null;
  };

  const walk = (dot: unknown, dotIface: boolean, n: Node): void => {
    at(n);
    switch (n.type) {
      case 'action': {
        const val = evalPipeline(dot, dotIface, n.pipe);
        if (n.pipe.decl.length === 0) printValue(n, val);
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'if':
      case 'with': {
        const mark = vars.length;
        const val = evalPipeline(dot, dotIface, n.pipe);
        if (isTrue(val)) walk(n.type === 'with' ? val : dot, n.type === 'with' ? false : dotIface, n.list);
        else if (n.elseList) walk(dot, dotIface, n.elseList);
        vars = vars.slice(0, mark);
        return;
      }
      case 'list':
        for (const child of n.nodes) walk(dot, dotIface, child);
        return;
      case 'range':
        return walkRange(dot, dotIface, n);
      case 'template': {
        const body = tmpl.defs.get(n.name);
        if (!body) errorf(`template ${JSON.stringify(n.name)} not defined`);
        if (depth === MAX_DEPTH) errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
        const newDot = n.pipe ? evalPipeline(dot, dotIface, n.pipe) : undefined;
        const saved = vars;
        vars = [{ name: '$', value: newDot }];
        depth++;
        try {
          walk(newDot, false, body!);
        } finally {
          depth--;
          vars = saved;
        }
        return;
      }
      case 'text':
        out.push(n.text);
        return;
    }
  };

  const walkRange = (dot: unknown, dotIface: boolean, r: BranchNode) => {
    at(r);
    const mark = vars.length;
    const val = evalPipeline(dot, dotIface, r.pipe);
    const loopMark = vars.length;
    let ran = false;
    const oneIteration = (index: unknown, elem: unknown, elemIface: boolean) => {
      ran = true;
      if (r.pipe.decl.length > 0) vars[vars.length - 1].value = elem;
      if (r.pipe.decl.length > 1) vars[vars.length - 2].value = index;
      try {
        walk(elem, elemIface, r.list);
      } catch (e) {
        if (!(e instanceof ContinueSignal)) throw e;
      } finally {
        vars = vars.slice(0, loopMark);
      }
    };
    try {
      switch (kindOf(val)) {
        case 'slice': {
          const a = val as unknown[];
          const iface = goTypeName(a) !== '[]string';
          a.forEach((e, i) => oneIteration(i, e, iface && !(e !== null && typeof e === 'object' && isStruct(e))));
          break;
        }
        case 'map':
          for (const [k, v] of mapEntries(val as object)) oneIteration(k, v, true);
          break;
        case 'int': {
          // Go 1.22: {{range N}} counts from 0 to N-1.
          if (r.pipe.decl.length > 1) errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
          for (let i = 0; i < Number(val); i++) oneIteration(i, i, false);
          break;
        }
        case 'invalid':
          break;
        default:
          errorf(`range can't iterate over ${formatValue(val)}`);
      }
    } catch (e) {
      if (!(e instanceof BreakSignal)) throw e;
    }
    if (!ran && r.elseList) walk(dot, dotIface, r.elseList);
    vars = vars.slice(0, mark);
  };

  const printValue = (n: AnyNode, v: unknown) => {
    at(n);
    if (v === undefined) out.push('<no value>');
    else if (typeof v === 'function') errorf(`can't print ${nodeString(n)} of type ${goTypeName(v)}`);
    else out.push(formatValue(v));
  };

  const evalPipeline = (dot: unknown, dotIface: boolean, pipe: PipeNode): unknown => {
    at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = evalCommand(dot, dotIface, cmd, value);
      // An interface{} holding nil digs down to "no value", as Go's evalPipeline does.
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) setVar(v.ident[0], value);
      else vars.push({ name: v.ident[0], value });
    }
    return value;
  };

  const notAFunction = (args: ArgNode[], final: unknown) => {
    if (args.length > 1 || final !== MISSING) errorf(`can't give argument to non-function ${nodeString(args[0])}`);
  };

  const evalCommand = (dot: unknown, dotIface: boolean, cmd: CommandNode, final: unknown): unknown => {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field':
        at(first);
        return evalFieldChain(dot, dot, dotIface, first, first.ident, cmd.args, final);
      case 'chain':
        return evalChain(dot, dotIface, first, cmd.args, final);
      case 'identifier':
        return evalFunction(dot, dotIface, first, cmd, cmd.args, final);
      case 'pipe':
        notAFunction(cmd.args, final);
        return evalPipeline(dot, dotIface, first);
      case 'variable':
        return evalVariable(dot, dotIface, first, cmd.args, final);
    }
    at(first);
    notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return errorf('nil is not a command');
      case 'number':
        return idealConstant(first);
      case 'string':
        return first.text;
    }
  };

  const idealConstant = (n: Extract<ArgNode, { type: 'number' }>): unknown => {
    at(n);
    const isHexInt = /^[+-]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    if (n.isFloat && !isHexInt && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) return n.float;
    if (n.isInt) return Number.isSafeInteger(Number(n.int)) ? Number(n.int) : n.int;
    return errorf(`${n.text} overflows int`);
  };

  const evalChain = (dot: unknown, dotIface: boolean, chain: Extract<ArgNode, { type: 'chain' }>, args: ArgNode[], final: unknown) => {
    at(chain);
    if (chain.node.type === 'nil') errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = evalArg(dot, dotIface, 'value', chain.node);
    return evalFieldChain(dot, pipe, false, chain, chain.field, args, final);
  };

  const evalVariable = (dot: unknown, dotIface: boolean, v: Extract<ArgNode, { type: 'variable' }>, args: ArgNode[], final: unknown) => {
    at(v);
    const value = varValue(v.ident[0]);
    if (v.ident.length === 1) {
      notAFunction(args, final);
      return value;
    }
    return evalFieldChain(dot, value, false, v, v.ident.slice(1), args, final);
  };

  const evalFieldChain = (dot: unknown, receiver: unknown, iface: boolean, n: AnyNode, ident: string[], args: ArgNode[], final: unknown): unknown => {
    for (let i = 0; i < ident.length - 1; i++) {
      const fromMap = kindOf(receiver) === 'map';
      receiver = evalField(dot, ident[i], n, [], MISSING, receiver, iface);
      iface = fromMap;
    }
    return evalField(dot, ident[ident.length - 1], n, args, final, receiver, iface);
  };

  const evalFunction = (dot: unknown, dotIface: boolean, n: Extract<ArgNode, { type: 'identifier' }>, cmd: AnyNode, args: ArgNode[], final: unknown) => {
    at(n);
    const found = findFunction(n.ident);
    if (!found) return errorf(`${JSON.stringify(n.ident)} is not a defined function`);
    return evalCall(dot, dotIface, found[0], found[1], cmd, n.ident, args, final);
  };

  const evalField = (dot: unknown, name: string, n: AnyNode, args: ArgNode[], final: unknown, receiver: unknown, iface: boolean): unknown => {
    if (receiver === undefined) {
      if (missingKey === 'error') errorf(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    const typ = iface ? 'interface {}' : goTypeName(receiver);
    if (receiver === null) return errorf(`nil pointer evaluating interface {}.${name}`);
    if (receiver instanceof GoNil) return errorf(`nil pointer evaluating ${receiver.typeName}.${name}`);
    const hasArgs = args.length > 1 || final !== MISSING;
    const kind = kindOf(receiver);
    if (kind === 'struct' && structHas(receiver as object, name)) {
      if (!isExported(name)) errorf(`${name} is an unexported field of struct type ${typ}`);
      const field = (receiver as Record<string, unknown>)[name];
      if (typeof field === 'function') return evalMethod(dot, field.bind(receiver), n, name, args, final);
      if (hasArgs) errorf(`${name} has arguments but cannot be invoked as function`);
      return field === null || field === undefined ? new GoNil() : field;
    }
    if (kind === 'map') {
      const value = mapGet(receiver as object, name);
      if (typeof value === 'function') return evalMethod(dot, value as (...a: unknown[]) => unknown, n, name, args, final);
      if (hasArgs) errorf(`${name} is not a method but has arguments`);
      if (value !== undefined) return value;
      if (missingKey === 'zero') return null;
      if (missingKey === 'error') errorf(`map has no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    return errorf(`can't evaluate field ${name} in type ${typ}`);
  };

  // Methods of the data are JavaScript functions: arguments pass as interface{} values.
  const evalMethod = (dot: unknown, fn: (...a: unknown[]) => unknown, n: AnyNode, name: string, args: ArgNode[], final: unknown) => {
    const def: TemplateFunc = { params: [], variadic: 'any', call: (a) => fn(...a) };
    return evalCall(dot, false, def, false, n, name, args, final);
  };

  const evalCall = (dot: unknown, dotIface: boolean, fn: TemplateFunc, isBuiltin: boolean, n: AnyNode, name: string, argNodes: ArgNode[], final: unknown): unknown => {
    const args = argNodes.slice(1);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const numFixed = fn.variadic ? fn.params.length : args.length;
    if (fn.variadic) {
      if (numIn < numFixed) errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`);
    } else if (numIn !== fn.params.length) {
      errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: unknown;
      for (const arg of args) {
        v = evalArg(dot, dotIface, 'value', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final !== MISSING ? final : v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(evalArg(dot, dotIface, fn.params[i], args[i]));
    if (fn.variadic) for (; i < args.length; i++) argv.push(evalArg(dot, dotIface, fn.variadic, args[i]));
    if (final !== MISSING) {
      const t = fn.variadic && numIn - 1 >= numFixed ? fn.variadic : fn.params[numIn - 1];
      argv.push(validateType(final, t));
    }
    try {
      return fn.call(argv);
    } catch (e) {
      if (e instanceof Abort || e instanceof BreakSignal || e instanceof ContinueSignal) throw e;
      at(n);
      return errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const validateType = (value: unknown, typ: ParamType): unknown => {
    if (value === undefined) {
      if (typ === 'value') return undefined;
      if (typ === 'any') return null;
      if (typ === 'strings') return [];
      return errorf(`invalid value; expected ${goParamName(typ)}`);
    }
    const ok =
      typ === 'value' ||
      typ === 'any' ||
      (typ === 'string' && typeof value === 'string') ||
      (typ === 'int' && kindOf(value) === 'int') ||
      (typ === 'strings' && Array.isArray(value) && value.every((e) => typeof e === 'string'));
    if (ok) return value;
    return errorf(`wrong type for value; expected ${goParamName(typ)}; got ${goTypeName(value)}`);
  };

  const evalArg = (dot: unknown, dotIface: boolean, typ: ParamType, n: ArgNode): unknown => {
    at(n);
    switch (n.type) {
      case 'dot':
        return validateType(dot, typ);
      case 'nil':
        if (typ === 'value') return undefined;
        if (typ === 'any') return null;
        if (typ === 'strings') return [];
        return errorf(`cannot assign nil to ${goParamName(typ)}`);
      case 'field':
        at(n);
        return validateType(evalFieldChain(dot, dot, dotIface, n, n.ident, [n], MISSING), typ);
      case 'variable':
        return validateType(evalVariable(dot, dotIface, n, [], MISSING), typ);
      case 'pipe':
        return validateType(evalPipeline(dot, dotIface, n), typ);
      case 'identifier':
        return validateType(evalFunction(dot, dotIface, n, n, [n], MISSING), typ);
      case 'chain':
        return validateType(evalChain(dot, dotIface, n, [], MISSING), typ);
    }
    switch (typ) {
      case 'string':
        if (n.type === 'string') return n.text;
        return errorf(`expected string; found ${nodeString(n)}`);
      case 'int':
        if (n.type === 'number' && n.isInt) return Number.isSafeInteger(Number(n.int)) ? Number(n.int) : n.int;
        return errorf(`expected integer; found ${nodeString(n)}`);
      case 'strings':
        return errorf(`can't handle ${nodeString(n)} for arg of type []string`);
      default:
        if (n.type === 'bool') return n.value;
        if (n.type === 'number') return idealConstant(n);
        return n.text;
    }
  };

  try {
    walk(data === null ? undefined : data, false, tmpl.root);
  } catch (e) {
    if (e instanceof Abort) throw new TemplateError(e.message, 'exec', out.join(''));
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new TemplateError(`template: ${tmpl.name}: exceeded maximum template depth`, 'exec', out.join(''));
    }
    throw e;
  }
  return out.join('');
}

function goParamName(t: ParamType): string {
  return t === 'strings' ? '[]string' : t === 'value' ? 'reflect.Value' : t === 'any' ? 'interface {}' : t;
}
