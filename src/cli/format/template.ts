/**
 * Go text/template for `docker ... --format` and `docker inspect -f`: parse once, cache,
 * execute over plain data. Functions are Go's builtins plus the docker CLI's.
 */
import { marshal } from './go-json.js';
import { TemplateError } from './template-error.js';
import { execute, type MissingKey } from './template-exec.js';
import { builtinFuncs, dockerFuncs, type FuncMap } from './template-funcs.js';
import { parseTree, type ParsedTemplate } from './template-parse.js';

export { TemplateError } from './template-error.js';
export type { MissingKey } from './template-exec.js';
export type { FuncMap, ParamType, TemplateFunc } from './template-funcs.js';

/** Options shared by parsing and execution. */
export interface TemplateOptions {
  /** Functions added to (or replacing) docker's; their names are known at parse time. */
  funcs?: FuncMap;
  /** Go's Option("missingkey=..."); docker inspect's raw fallback uses "error". */
  missingKey?: MissingKey;
  /** The template name Go puts in messages; docker's templates are unnamed. */
  name?: string;
}

/** A parsed template, reusable across executions. */
export class Template {
  constructor(
    private readonly tree: ParsedTemplate,
    private readonly options: TemplateOptions,
  ) {}

  /** Executes over data; throws TemplateError (with the output so far) on failure. */
  execute(data: unknown, overrides: Pick<TemplateOptions, 'funcs' | 'missingKey'> = {}): string {
    const funcs = { ...dockerFuncs, ...this.options.funcs, ...overrides.funcs };
    return execute(this.tree, data, funcs, builtinFuncs, overrides.missingKey ?? this.options.missingKey ?? 'default');
  }
}

const CACHE_LIMIT = 128;
const cache = new Map<string, Template>();

/** Parses a template (memoised: prompts re-run the same --format strings constantly). */
export function parseTemplate(text: string, options: TemplateOptions = {}): Template {
  const extra = options.funcs ? Object.keys(options.funcs).sort().join(',') : '';
  const key = `${options.name ?? ''}\0${options.missingKey ?? ''}\0${extra}\0${text}`;
  const hit = cache.get(key);
  if (hit && !options.funcs) {
    // Refresh recency so the bound evicts the least recently used entry.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const known = (name: string) =>
    Object.prototype.hasOwnProperty.call(builtinFuncs, name) ||
    Object.prototype.hasOwnProperty.call(dockerFuncs, name) ||
    (options.funcs !== undefined && Object.prototype.hasOwnProperty.call(options.funcs, name));
  const tmpl = new Template(parseTree(text, known, options.name ?? ''), options);
  // Templates with custom functions close over them, so only plain ones are shared.
  if (!options.funcs) {
    cache.set(key, tmpl);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  return tmpl;
}

/** Empties the parsed-template cache. */
export function clearTemplateCache(): void {
  cache.clear();
}

/** Parses (cached) and executes a template in one call. */
export function renderTemplate(tmpl: string, data: unknown, options: TemplateOptions = {}): string {
  return parseTemplate(tmpl, options).execute(data);
}

/**
 * `docker inspect -f`: run over the typed object first and, if that fails, over its raw
 * JSON with missingkey=error, as docker's TemplateInspector does; errors come back
 * prefixed with "template parsing error: " like docker prints them.
 */
export function renderInspectTemplate(tmpl: string, typed: unknown, raw: unknown = JSON.parse(marshal(typed))): string {
  let parsed: Template;
  try {
    parsed = parseTemplate(tmpl);
  } catch (e) {
    throw prefixed(e, 'template parsing error: ');
  }
  try {
    return parsed.execute(typed);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
  }
  try {
    return parsed.execute(raw, { missingKey: 'error' });
  } catch (e) {
    throw prefixed(e, 'template parsing error: ');
  }
}

/** Re-throws a TemplateError with a prefix on its message, keeping phase and output. */
export function prefixed(e: unknown, prefix: string): unknown {
  if (!(e instanceof TemplateError)) return e;
  return new TemplateError(prefix + e.message, e.phase, e.output);
}
