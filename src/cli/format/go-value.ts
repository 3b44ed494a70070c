/**
 * How JavaScript values stand in for Go values in templates, fmt and JSON.
 *
 * - `undefined` is an invalid reflect.Value: a missing map entry ("<no value>").
 * - `null` is a nil interface{}, as in JSON decoded into interface{}.
 * - numbers are `int` when integral, else `float64`; bigints are `int64`.
 * - arrays are slices; plain objects and Maps are map[string]interface{} (sorted keys).
 * - objects made with {@link goStruct}, and class instances, are structs: fields keep
 *   declaration order, unknown fields are errors, methods and getters are callable.
 */

/** Where a struct's Go type name (used in error messages) is kept. */
export const GO_TYPE: unique symbol = Symbol.for('layerlab.goType');

/** A typed nil pointer: prints "<nil>" where a missing map entry prints "<no value>". */
export class GoNil {
  constructor(readonly typeName: string = '*struct {}') {}
}

/** Marks an object as a Go struct of the given type name, e.g. "*formatter.ImageContext". */
export function goStruct<T extends object>(typeName: string, fields: T): T {
  Object.defineProperty(fields, GO_TYPE, { value: typeName, enumerable: false, configurable: true });
  return fields;
}

/** The reflect.Kind families the template engine and fmt distinguish. */
export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

/** True for objects that behave as Go structs rather than maps. */
export function isStruct(v: object): boolean {
  if (GO_TYPE in v) return true;
  const proto = Object.getPrototypeOf(v);
  return proto !== Object.prototype && proto !== null && !Array.isArray(v) && !(v instanceof Map);
}

/** The Go kind of a value. */
export function kindOf(v: unknown): Kind {
  if (v === undefined) return 'invalid';
  if (v === null || v instanceof GoNil) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      // Integers beyond int64 only arise as float64 in Go (e.g. 1e21 decoded from JSON).
      return Number.isInteger(v) && Math.abs(v as number) < 2 ** 63 ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (Array.isArray(v)) return 'slice';
      return isStruct(v as object) ? 'struct' : 'map';
    default:
      return 'invalid';
  }
}

/** The Go type name used in error messages ("string", "[]interface {}", ...). */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
      return '<nil>';
    case 'nil':
      return v instanceof GoNil ? v.typeName : 'interface {}';
    case 'bool':
      return 'bool';
    case 'int':
      return typeof v === 'bigint' ? 'int64' : 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'func':
      return 'func(...) interface {}';
    case 'slice': {
      const a = v as unknown[];
      return a.length > 0 && a.every((e) => typeof e === 'string') ? '[]string' : '[]interface {}';
    }
    case 'map':
      return 'map[string]interface {}';
    case 'struct': {
      const o = v as { [GO_TYPE]?: string };
      return o[GO_TYPE] ?? (o as object).constructor?.name ?? 'struct {}';
    }
  }
}

/** Go's byte-wise string order (UTF-16 order differs for astral code points). */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Entries of a map value, sorted by key as fmt, range and encoding/json see them. */
export function mapEntries(v: object): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> =
    v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x]) : Object.entries(v);
  return entries.filter(([, x]) => x !== undefined).sort((a, b) => compareGoStrings(a[0], b[0]));
}

/** The value stored under key in a map, or undefined when there is no entry. */
export function mapGet(v: object, key: string): unknown {
  if (v instanceof Map) return v.get(key);
  return Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

/** Number of entries of a map value. */
export function mapSize(v: object): number {
  return v instanceof Map ? v.size : mapEntries(v).length;
}

/** A struct's data fields in declaration order (methods and getters are not fields). */
export function structFields(v: object): Array<[string, unknown]> {
  return Object.entries(v).filter(([, x]) => typeof x !== 'function');
}

/** Whether a name is exported in Go's sense (starts with an upper-case letter). */
export function isExported(name: string): boolean {
  return /^\p{Lu}/u.test(name);
}

/** Whether a struct has a field, method or getter of that name. */
export function structHas(v: object, name: string): boolean {
  if (name === 'constructor') return false;
  for (let o: object | null = v; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, name)) return true;
  }
  return false;
}

/** Go's notion of truth for if/with/and/or/not: the zero value of any type is false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return typeof v === 'bigint' ? v !== 0n : v !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return mapSize(v as object) > 0;
    default:
      return true;
  }
}
