/**
 * The headless runner: `npm run sim -- [--builder buildkit|classic] [--json] SCRIPT`
 * runs a script of docker command lines (the oracle's syntax) against a fresh
 * simulated engine. Text mode prints what docker prints; --json prints one
 * record per docker line with its exit code, output and engine events.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runDocker } from '../cli/docker.js';
import { splitWords } from '../cli/words.js';
import { createEngine } from '../engine/index.js';
import type { EngineEvent } from '../shared/events.js';
import { applyMutation } from './mutations.js';
import { nodeWorkspace } from './node-workspace.js';
import { preloadOracleBase } from '../engine/oracle-base.js';

interface Options {
  builder: 'buildkit' | 'classic';
  json: boolean;
  script: string;
  /** Apply the script's @ mutations to its own folder instead of a temporary copy. */
  inPlace: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Partial<Options> = { builder: process.env.DOCKER_BUILDKIT === '0' ? 'classic' : 'buildkit', json: false, inPlace: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--in-place') o.inPlace = true;
    else if (a === '--builder' || a.startsWith('--builder=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'buildkit' && v !== 'classic') usage(`unknown builder: ${v}`);
      o.builder = v;
    } else if (a === '-h' || a === '--help') usage();
    else if (!o.script) o.script = a;
    else usage(`unexpected argument: ${a}`);
  }
  if (!o.script) usage('no SCRIPT given');
  return o as Options;
}

function usage(err?: string): never {
  if (err) process.stderr.write(`sim: ${err}\n`);
  process.stderr.write('usage: npm run sim -- [--builder buildkit|classic] [--json] [--in-place] SCRIPT\n');
  process.exit(err ? 2 : 0);
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const scriptPath = path.resolve(opts.script);
  let text: string;
  try {
    text = fs.readFileSync(scriptPath, 'utf8');
  } catch {
    usage(`cannot read ${opts.script}`);
  }
  // the script's @ lines edit files: work on a copy so a recorded scenario stays as it was
  const work = opts.inPlace ? path.dirname(scriptPath) : fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-sim-'));
  // (a script in the temp folder itself must not copy the copy into itself)
  if (!opts.inPlace) fs.cpSync(path.dirname(scriptPath), work, { recursive: true, preserveTimestamps: true, filter: (src) => !path.basename(src).startsWith('layerlab-sim-') });
  process.on('exit', () => {
    if (!opts.inPlace) fs.rmSync(work, { recursive: true, force: true });
  });
  const engine = createEngine({ seed: 42 });
  preloadOracleBase(engine);
  const ws = nodeWorkspace(work);
  const vars = new Map<string, string>();
  const events: EngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  const env = { DOCKER_BUILDKIT: opts.builder === 'classic' ? '0' : '1' };
  const lines = text.split('\n');
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('@builders')) return;
    const expanded = line.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => vars.get(name) ?? m);
    if (expanded.startsWith('@') && !expanded.startsWith('@capture ')) {
      try {
        applyMutation(work, expanded);
      } catch (e) {
        process.stderr.write(`sim: line ${lineNo}: ${(e as Error).message}\n`);
      }
      if (opts.json) process.stdout.write(JSON.stringify({ line: lineNo, cmd: line }) + '\n');
      return;
    }
    let words: string[];
    let capture: string | undefined;
    try {
      words = splitWords(expanded);
    } catch (e) {
      process.stderr.write(`sim: line ${lineNo}: ${(e as Error).message}\n`);
      return;
    }
    if (words[0] === '@capture') {
      capture = words[1];
      words = words.slice(2);
    }
    if (words[0] !== 'docker') {
      process.stderr.write(`sim: line ${lineNo}: not a docker command: ${line}\n`);
      return;
    }
    const out: string[] = [];
    const err: string[] = [];
    events.length = 0;
    let code: number;
    try {
      code = runDocker(engine, words.slice(1), {
        stdout: (l) => (opts.json ? out.push(l) : process.stdout.write(l + '\n')),
        stderr: (l) => (opts.json ? err.push(l) : process.stderr.write(l + '\n')),
        env,
        workspace: ws,
      });
    } catch (e) {
      // an engine bug must not stop the script: report it like a daemon error
      err.push(`layerlab: internal error: ${(e as Error).stack ?? e}`);
      if (!opts.json) process.stderr.write(err[err.length - 1] + '\n');
      code = 1;
    }
    if (capture) vars.set(capture, out.join('\n').trim());
    if (opts.json) process.stdout.write(JSON.stringify({ line: lineNo, cmd: line, exitCode: code, stdout: out, stderr: err, events: [...events] }) + '\n');
  });
}

main();
