/**
 * The oracle's scenario scripts (tests/oracle/README.md), run line by line against any
 * engine: `${VAR}` expansion, `@capture`, the `@` file mutations, and one record per line
 * in the shape `npm run sim -- --json` prints. The simulator (sim.ts) and the real engine
 * (server/parity) both drive their engine through `runScript`, so a script means the same
 * thing to both.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitWords } from '../cli/words.js';
import type { EngineEvent } from '../shared/events.js';
import { applyMutation } from './mutations.js';

/** A container as `docker ps -a` would list it after a line ran. */
export interface ContainerState {
  name: string;
  state: string;
  exitCode: number;
}

/** One script line's outcome; mutation lines carry only `line` and `cmd`. */
export interface LineRecord {
  line: number;
  cmd: string;
  exitCode?: number;
  stdout?: string[];
  stderr?: string[];
  events?: EngineEvent[];
  /** The variant's containers after the line (only when the driver reports them). */
  containers?: ContainerState[];
}

/** Where one docker command's output and events go. */
export interface CommandSink {
  stdout(line: string): void;
  stderr(line: string): void;
  event(e: EngineEvent): void;
}

/** An engine a script runs against. */
export interface ScriptDriver {
  /** Runs `docker ARGV` (argv after `docker`); returns its exit code. */
  docker(argv: string[], sink: CommandSink): Promise<number> | number;
  /** The containers now, for the record (optional: the sim CLI leaves them out). */
  containers?(): Promise<ContainerState[]> | ContainerState[];
  /** `@sleep SECONDS`: the simulator has no clock to wait for, a real engine does. */
  sleep?(seconds: number): Promise<void>;
  /** Rewrites an expanded line before it runs (the real engine's registry address). */
  rewrite?(line: string): string;
}

/** What `runScript` reports as it goes. */
export interface RunOptions {
  /** Each record as soon as its line has run. */
  onRecord?(r: LineRecord): void;
  /** Output lines as they come (the sim CLI's text mode). */
  echo?: Partial<CommandSink>;
  /** A line that could not run (bad mutation, not a docker command). */
  onError?(lineNo: number, message: string): void;
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Runs a script's lines in order inside `work` (the scenario's temp copy); returns one record per non-comment line. */
export async function runScript(text: string, work: string, driver: ScriptDriver, opts: RunOptions = {}): Promise<LineRecord[]> {
  const vars = new Map<string, string>();
  const records: LineRecord[] = [];
  const emit = (r: LineRecord) => {
    records.push(r);
    opts.onRecord?.(r);
  };
  const fail = (lineNo: number, message: string) => opts.onError?.(lineNo, message);
  const lines = text.split('\n');
  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const line = lines[idx]!.trim();
    if (!line || line.startsWith('#') || line.startsWith('@builders')) continue;
    const expanded = line.replace(VAR, (m, name: string) => vars.get(name) ?? m);
    if (expanded.startsWith('@') && !expanded.startsWith('@capture ')) {
      try {
        if (expanded.startsWith('@sleep')) await driver.sleep?.(Number(expanded.split(/\s+/)[1] ?? 0));
        else applyMutation(work, expanded);
      } catch (e) {
        fail(lineNo, (e as Error).message);
      }
      emit({ line: lineNo, cmd: line });
      continue;
    }
    let words: string[];
    try {
      words = splitWords(driver.rewrite ? driver.rewrite(expanded) : expanded);
    } catch (e) {
      fail(lineNo, (e as Error).message);
      continue;
    }
    let capture: string | undefined;
    if (words[0] === '@capture') {
      capture = words[1];
      words = words.slice(2);
    }
    if (words[0] !== 'docker') {
      fail(lineNo, `not a docker command: ${line}`);
      continue;
    }
    const rec: Required<Omit<LineRecord, 'containers'>> = { line: lineNo, cmd: line, exitCode: 0, stdout: [], stderr: [], events: [] };
    const sink: CommandSink = {
      stdout: (l) => (rec.stdout.push(l), opts.echo?.stdout?.(l)),
      stderr: (l) => (rec.stderr.push(l), opts.echo?.stderr?.(l)),
      event: (e) => rec.events.push(e),
    };
    try {
      rec.exitCode = await driver.docker(words.slice(1), sink);
    } catch (e) {
      // an engine bug must not stop the script: report it like a daemon error
      sink.stderr(`layerlab: internal error: ${(e as Error).stack ?? e}`);
      rec.exitCode = 1;
    }
    if (capture) vars.set(capture, rec.stdout.join('\n').trim());
    const containers = await driver.containers?.();
    emit(containers ? { ...rec, containers } : rec);
  }
  return records;
}

/** Copies a scenario folder to a new temp dir (mutations must never touch the corpus); returns the copy. */
export function copyScenario(dir: string, prefix = 'layerlab-sim-'): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // (a script in the temp folder itself must not copy the copy into itself)
  fs.cpSync(dir, work, { recursive: true, preserveTimestamps: true, filter: (src) => !path.basename(src).startsWith(prefix) && path.basename(src) !== 'expected.json' });
  return work;
}

/** The variants a scenario runs as: its expected.json's, else `@builders`, else classic and buildkit when it builds, else engine. */
export function variantsOf(scriptPath: string): string[] {
  const expected = path.join(path.dirname(scriptPath), 'expected.json');
  if (fs.existsSync(expected)) return Object.keys((JSON.parse(fs.readFileSync(expected, 'utf8')) as { variants: object }).variants);
  const text = fs.readFileSync(scriptPath, 'utf8');
  const header = /^@builders\s+(.+)$/m.exec(text);
  if (header) return header[1]!.trim().split(/\s+/);
  return /^(@capture \w+ )?docker (image )?build\b/m.test(text) ? ['classic', 'buildkit'] : ['engine'];
}
