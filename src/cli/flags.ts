/**
 * Flag parsing with the docker CLI's rules (cobra + pflag): `--name value`,
 * `--name=value`, `-t value`, `-tvalue`, combined boolean shorts (`-it`),
 * repeatable list flags, and its error messages and usage text.
 */
import { DockerError } from '../engine/errors.js';
import { TemplateError } from './format/template-error.js';

export type FlagType = 'bool' | 'string' | 'list' | 'int' | 'duration' | 'bytes' | 'decimal';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  help: string;
  /** The value word in usage (`string`, `list`, `int`...). */
  meta?: string;
  default?: string;
  hidden?: boolean;
}

export interface CommandSpec {
  /** `build` or `image ls`. */
  name: string;
  usage: string;
  description: string;
  flags: FlagSpec[];
  /** Flags stop at the first positional argument (run, create, exec). */
  stopAtFirstArg?: boolean;
  aliases?: string[];
  /** Argument count rule for the "requires ..." error. */
  args?: { min?: number; max?: number; exact?: number };
}

export interface ParsedFlags {
  values: Map<string, string[]>;
  args: string[];
}

/** Docker's usage error, printed with a hint to `--help`, exit 125. */
export function flagError(spec: CommandSpec, msg: string): DockerError {
  return new DockerError(`${msg}\nSee 'docker ${spec.name} --help'.`, 125, { kind: 'usage' });
}

/** Parses argv (after the subcommand words) against a command's flags. */
export function parseFlags(spec: CommandSpec, argv: string[]): ParsedFlags {
  const values = new Map<string, string[]>();
  const args: string[] = [];
  const byName = new Map(spec.flags.map((f) => [f.name, f]));
  const byShort = new Map(spec.flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const set = (f: FlagSpec, v: string) => {
    if (f.type === 'int' && !/^-?\d+$/.test(v)) throw flagError(spec, `invalid argument "${v}" for "${f.short ? `-${f.short}, ` : ''}--${f.name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
    if (f.type === 'bool' && !['true', 'false', '1', '0'].includes(v)) throw flagError(spec, `invalid argument "${v}" for "${f.short ? `-${f.short}, ` : ''}--${f.name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
    const list = values.get(f.name) ?? [];
    if (f.type === 'list') list.push(v);
    else list.splice(0, list.length, v);
    values.set(f.name, list);
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (name === 'help') throw new HelpRequest(spec);
      const f = byName.get(name);
      if (!f) throw flagError(spec, `unknown flag: --${name}`);
      if (f.type === 'bool') set(f, eq > 0 ? a.slice(eq + 1) : 'true');
      else if (eq > 0) set(f, a.slice(eq + 1));
      else {
        if (i + 1 >= argv.length) throw flagError(spec, `flag needs an argument: --${name}`);
        set(f, argv[++i]!);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (c === 'h' && !byShort.has('h')) throw new HelpRequest(spec);
        const f = byShort.get(c);
        if (!f) throw flagError(spec, `unknown shorthand flag: '${c}' in ${a}`);
        if (f.type === 'bool') {
          if (a[j + 1] === '=') {
            set(f, a.slice(j + 2));
            break;
          }
          set(f, 'true');
          continue;
        }
        const rest = a.slice(j + 1).replace(/^=/, '');
        if (rest) set(f, rest);
        else {
          if (i + 1 >= argv.length) throw flagError(spec, `flag needs an argument: '${c}' in -${c}`);
          set(f, argv[++i]!);
        }
        break;
      }
      continue;
    }
    args.push(a);
    if (spec.stopAtFirstArg) {
      args.push(...argv.slice(i + 1));
      break;
    }
  }
  checkArgs(spec, args);
  return { values, args };
}

function checkArgs(spec: CommandSpec, args: string[]): void {
  const r = spec.args;
  if (!r) return;
  const plural = (n: number) => (n === 1 ? 'argument' : 'arguments');
  let msg: string | undefined;
  if (r.exact !== undefined && args.length !== r.exact) msg = `requires exactly ${r.exact} ${plural(r.exact)}.`;
  else if (r.min !== undefined && args.length < r.min) msg = `requires at least ${r.min} ${plural(r.min)}.`;
  else if (r.max !== undefined && args.length > r.max) msg = r.max === 0 ? 'accepts no arguments.' : `requires at most ${r.max} ${plural(r.max)}.`;
  if (msg) {
    throw new DockerError(`"docker ${spec.name}" ${msg}\nSee 'docker ${spec.name} --help'.\n\nUsage:  docker ${spec.name} ${spec.usage}\n\n${spec.description}`, 1, { kind: 'usage' });
  }
}

/** Thrown when `--help` is given: the caller prints the usage text, exit 0. */
export class HelpRequest extends Error {
  constructor(readonly spec: CommandSpec) {
    super('help');
  }
}

/** Docker's help text for a command. */
export function usageText(spec: CommandSpec): string[] {
  const lines = ['', `Usage:  docker ${spec.name} ${spec.usage}`, '', spec.description];
  if (spec.aliases?.length) lines.push('', 'Aliases:', `  ${[spec.name, ...spec.aliases].join(', ')}`);
  const flags = spec.flags.filter((f) => !f.hidden);
  if (flags.length) {
    lines.push('', 'Options:');
    const heads = flags.map((f) => `${f.short ? `  -${f.short}, ` : '      '}--${f.name}${f.type === 'bool' ? '' : ' ' + (f.meta ?? f.type)}`);
    const width = Math.max(...heads.map((h) => h.length)) + 3;
    flags.forEach((f, k) => lines.push(heads[k]!.padEnd(width) + f.help + (f.default ? ` (default ${f.default})` : '')));
  }
  return lines;
}

/** Accessors over parsed values. */
export class Flags {
  constructor(private readonly p: ParsedFlags) {}
  get args(): string[] {
    return this.p.args;
  }
  bool(name: string): boolean {
    const v = this.p.values.get(name)?.[0];
    return v === 'true' || v === '1';
  }
  string(name: string): string | undefined {
    return this.p.values.get(name)?.[0];
  }
  list(name: string): string[] {
    return this.p.values.get(name) ?? [];
  }
  int(name: string): number | undefined {
    const v = this.string(name);
    return v === undefined ? undefined : Number(v);
  }
  has(name: string): boolean {
    return this.p.values.has(name);
  }
}

/**
 * Prints what the docker CLI prints for an error a command threw (`--help`, usage errors,
 * DockerErrors, Go template errors) and returns its exit code; null for any other error.
 */
export function cliErrorExit(e: unknown, io: { stdout(line: string): void; stderr(line: string): void }): number | null {
  if (e instanceof HelpRequest) {
    for (const l of usageText(e.spec)) io.stdout(l);
    return 0;
  }
  if (e instanceof TemplateError) {
    io.stderr(e.message);
    return 1;
  }
  if (e instanceof DockerError) {
    for (const l of e.message.split('\n')) io.stderr(l);
    return e.exitCode;
  }
  return null;
}
