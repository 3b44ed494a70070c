/**
 * The headless runner: `npm run sim -- [--builder buildkit|classic] [--json] SCRIPT`
 * runs a script of docker command lines (the oracle's syntax) against a fresh
 * simulated engine. Text mode prints what docker prints; --json prints one
 * record per docker line with its exit code, output and engine events.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyScenario, runScript } from './script.js';
import { simDriver } from './sim-driver.js';

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

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const scriptPath = path.resolve(opts.script);
  let text: string;
  try {
    text = fs.readFileSync(scriptPath, 'utf8');
  } catch {
    usage(`cannot read ${opts.script}`);
  }
  // the script's @ lines edit files: work on a copy so a recorded scenario stays as it was
  const work = opts.inPlace ? path.dirname(scriptPath) : copyScenario(path.dirname(scriptPath));
  process.on('exit', () => {
    if (!opts.inPlace) fs.rmSync(work, { recursive: true, force: true });
  });
  const write = (stream: NodeJS.WriteStream) => (l: string) => stream.write(l + '\n');
  // the records keep the shape compare.py reads: no container snapshots
  await runScript(text, work, { ...simDriver(work, opts.builder), containers: undefined }, {
    echo: opts.json ? undefined : { stdout: write(process.stdout), stderr: write(process.stderr) },
    onRecord: (r) => {
      if (opts.json) process.stdout.write(JSON.stringify(r) + '\n');
    },
    onError: (lineNo, message) => process.stderr.write(`sim: line ${lineNo}: ${message}\n`),
  });
}

void main();
