/**
 * Real mode's `docker build`: the console finds the context folder in the learner's
 * workspace (the way the docker CLI does: PATH, `-f`, then .dockerignore) and sends its
 * files with the command. The server checks them again before packing a tar.
 */
import { metaArgValues, neededStages, targetStage } from '../engine/build/common.js';
import { BuildContext } from '../engine/build/context.js';
import { contextEvent, stagesEvent } from '../engine/build/report.js';
import { loadDockerfile } from '../engine/dockerfile/instructions.js';
import { COMMANDS } from '../cli/docker.js';
import { parseFlags, type ParsedFlags } from '../cli/flags.js';
import type { Workspace } from '../cli/types.js';
import type { BuildStagesEvent, EngineEvent } from '../shared/events.js';
import type { ContextEntry } from '../shared/protocol.js';
import { toBase64 } from './sim.js';

/** The command words that name a build. */
function buildArgs(argv: string[]): string[] | null {
  if (argv[0] === 'build') return argv.slice(1);
  if ((argv[0] === 'image' || argv[0] === 'buildx') && argv[1] === 'build') return argv.slice(2);
  return null;
}

/**
 * For `docker build ...` (argv after `docker`): the context entries to send, or an error the
 * console prints; null when argv is not a build (or cannot be parsed: the server then prints
 * docker's usage error).
 */
export function buildContextFor(ws: Pick<Workspace, 'resolve' | 'readTree'>, argv: string[], builder: 'classic' | 'buildkit' = 'buildkit'): { context: ContextEntry[]; argv: string[]; events: EngineEvent[] } | { error: string } | null {
  const rest = buildArgs(argv);
  const spec = COMMANDS.get('build')?.spec;
  if (!rest || !spec) return null;
  let parsed;
  try {
    parsed = parseFlags(spec, rest);
  } catch {
    return null;
  }
  const ctxArg = parsed.args[0];
  if (ctxArg === undefined || ctxArg === '-' || /^(https?|git):\/\//.test(ctxArg) || ctxArg.startsWith('git@')) return null;
  const ctxPath = ws.resolve(ctxArg);
  const tree = ws.readTree(ctxPath);
  if (!tree) return { error: `unable to prepare context: path "${ctxArg}" not found` };
  const fileArg = parsed.values.get('file')?.at(-1);
  const dfPath = fileArg ? ws.resolve(fileArg) : `${ctxPath}/Dockerfile`;
  if (!dfPath.startsWith(ctxPath + '/')) return { error: `layerlab: in real mode the Dockerfile must be inside the build context (${ctxArg})` };
  const dfRel = dfPath.slice(ctxPath.length + 1);
  const ignore = tree.find((e) => e.path === '.dockerignore' && e.type === 'file');
  const ignoreText = ignore?.data ? new TextDecoder().decode(ignore.data) : undefined;
  const full = BuildContext.from(tree);
  const ctx = full.withIgnore(ignoreText, [dfRel, '.dockerignore']);
  const out: ContextEntry[] = [];
  for (const [path, e] of ctx.entries) {
    if (path === '') continue;
    if (e.type === 'symlink') return { error: `layerlab: real mode sends only files and folders, and ${path} is a symbolic link` };
    out.push(e.type === 'dir' ? { path, type: 'dir', mode: e.mode, mtime: e.mtime } : { path, type: 'file', mode: e.mode, mtime: e.mtime, data: toBase64(e.data ?? new Uint8Array()) });
  }
  // what the context and stage views draw: the page has the workspace, so it tells them itself
  const events: EngineEvent[] = [contextEvent(ctxPath, full, ctx, ignoreText)];
  const dfBytes = tree.find((e) => e.path === dfRel && e.type === 'file')?.data;
  const stages = dfBytes ? stagesOf(new TextDecoder().decode(dfBytes), parsed, builder) : null;
  if (stages) events.push(stages);
  return { context: out, argv: fileArgWithin(argv, rest.length, fileArg === undefined ? undefined : dfRel), events };
}

/**
 * The docker CLI reads `-f` relative to the console's folder and puts that file into the
 * context; the server only has the context, so `-f` is rewritten to the path inside it.
 */
function fileArgWithin(argv: string[], restLength: number, dfRel: string | undefined): string[] {
  if (dfRel === undefined) return argv;
  const head = argv.slice(0, argv.length - restLength);
  const rest = argv.slice(argv.length - restLength);
  const kept: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') {
      kept.push(...rest.slice(i));
      break;
    }
    if (a === '-f' || a === '--file') i++;
    else if (a.startsWith('--file=') || (a.startsWith('-f') && !a.startsWith('--'))) continue;
    else kept.push(a);
  }
  return [...head, `--file=${dfRel}`, ...kept];
}

/** The build.stages event the builder will follow (null when the Dockerfile does not parse: the build says why). */
function stagesOf(text: string, parsed: ParsedFlags, builder: 'classic' | 'buildkit'): BuildStagesEvent | null {
  try {
    const df = loadDockerfile(text);
    const buildArgs = new Map<string, string>();
    for (const a of parsed.values.get('build-arg') ?? []) {
      const i = a.indexOf('=');
      if (i > 0) buildArgs.set(a.slice(0, i), a.slice(i + 1));
    }
    const metaArgs = metaArgValues(df, buildArgs, new Set());
    const target = targetStage(df, parsed.values.get('target')?.at(-1));
    // classic builds every stage up to the target; BuildKit only those the target needs
    const built = builder === 'classic' ? df.stages.filter((s) => s.index <= target.index) : neededStages(df, target, metaArgs);
    return stagesEvent(df, metaArgs, target.index, new Set(built.map((s) => s.index)));
  } catch {
    return null;
  }
}
