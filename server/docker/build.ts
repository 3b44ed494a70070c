/**
 * `docker build` on the real engine: POST /build with the browser's context, output as the
 * docker CLI prints it (classic, or BuildKit's `--progress=plain`), and the simulator's build
 * events from what the engine reports.
 */
import { build as buildCommand } from '../../src/cli/commands/build.js';
import { humanSize4 } from '../../src/cli/format/index.js';
import type { BuildStepEvent } from '../../src/shared/events.js';
import { checkContext, packContext } from '../policy/context.js';
import { checkDockerfile } from '../policy/dockerfile.js';
import { DockerError } from '../../src/engine/errors.js';
import { claimTags, safeNormalize, visibleImages, type ImageSummary } from './image-scope.js';
import { lockedBuildOptions } from './template.js';
import { decodeTrace, PlainPrinter } from './buildkit-trace.js';
import { buildkitInstruction, currentTargets, historyIndexes, imageLayers, outlineDockerfile, parseStepVertex, withTag, type DfInstruction, type DfStage } from './build-steps.js';
import { daemonMessage, jsonLines, parseCommandFlags } from './cli-flags.js';
import { LABEL_SESSION, type CommandIO, type RealCommand, type SessionScope } from './types.js';

/** How often BuildKit's plain progress is flushed: the CLI's display rate limit (100 ms). */
const PLAIN_FLUSH_MS = 100;

/** What a builder's stream reader reports back. */
interface StreamOutcome {
  imageId?: string;
  /** Classic: the image of each step that finished (` ---> abc123def456`). */
  stepImages: string[];
  error?: { message: string; code?: number };
  steps: BuildStepEvent[];
}

/** `docker build PATH`: builds the context the browser sent, on the real engine. */
export const build: RealCommand = async (scope, argv, io) => {
  const f = parseCommandFlags(buildCommand.spec, argv, io);
  if (typeof f === 'number') return f;
  const builder = ['0', 'false'].includes((io.env.DOCKER_BUILDKIT ?? '').toLowerCase()) ? 'classic' : 'buildkit';
  const ctxArg = f.args[0]!;
  // the browser sent the context; a hostile client could send anything, so check it all again
  const checkedCtx = checkContext(io.context ?? []);
  if (!checkedCtx.ok) {
    for (const e of checkedCtx.errors.slice(0, 10)) io.stderr(`layerlab: the build context was refused: ${e}`);
    return 1;
  }
  const context = checkedCtx.entries;
  const dockerfile = f.string('file') ?? 'Dockerfile';
  const dfEntry = context.find((e) => e.type === 'file' && e.path === dockerfile.replace(/^\.\//, ''));
  if (!dfEntry) {
    const shown = `${ctxArg.replace(/\/+$/, '')}/${dockerfile}`;
    io.stderr(builder === 'classic' ? `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${shown}: no such file or directory` : `failed to solve with frontend dockerfile.v0: failed to read dockerfile: open ${dockerfile.slice(dockerfile.lastIndexOf('/') + 1)}: no such file or directory`);
    return 1;
  }
  const outline = outlineDockerfile(Buffer.from(dfEntry.data ?? '', 'base64').toString('utf8'));
  const tags = f.list('tag').map(withTag);
  const buildArgs: Record<string, string> = {};
  for (const a of f.list('build-arg')) {
    const i = a.indexOf('=');
    if (i >= 0) buildArgs[a.slice(0, i)] = a.slice(i + 1);
    else if (io.env[a] !== undefined) buildArgs[a] = io.env[a]!;
  }
  const userLabels: Record<string, string> = {};
  for (const l of f.list('label')) {
    const i = l.indexOf('=');
    userLabels[i >= 0 ? l.slice(0, i) : l] = i >= 0 ? l.slice(i + 1) : '';
  }
  // user labels first: the session's label always wins, so the reaper finds every image. Only
  // that one: the classic builder adds a LABEL step (a commit) per label, and the session id
  // names the launch too (instanceOf)
  const ours = { [LABEL_SESSION]: scope.sessionId };
  const labels = { ...userLabels, ...ours };
  const quiet = f.bool('quiet');
  // FROM and COPY --from may only name images this session can see (its own and the bases);
  // `# syntax=`, RUN --mount and ADD from URLs reach outside the build and are refused
  // what the build needs from the engine, asked at once: the daemon answers these in parallel
  const [visible, tar, rows, previous] = await Promise.all([visibleImages(scope), packContext(context), historyIndexes(scope.docker, outline.stages, f.string('target')), currentTargets(scope.docker, tags)]);
  const isAllowedBase = allowedBases(visible.values());
  // the classic builder's cache: the images the session may see and the steps its builds wrote
  const cacheFrom = builder === 'classic' ? [...visible.keys(), ...scope.buildSteps] : [];
  const problems = checkDockerfile(Buffer.from(dfEntry.data ?? '', 'base64').toString('utf8'), isAllowedBase, buildArgs);
  if (problems.length) {
    // a Dockerfile that does not parse is refused here too, but in the words the daemon uses
    const parse = problems.find((p) => p.startsWith('Dockerfile: '));
    if (parse) io.stderr(`${builder === 'classic' ? 'Error response from daemon: ' : 'failed to solve with frontend dockerfile.v0: failed to create LLB definition: '}${parse.slice('Dockerfile: '.length)}`);
    else for (const p of problems) io.stderr(p);
    return 1;
  }
  try {
    // a tag another session's image or a base holds is not this build's to move
    await claimTags(scope, tags.map(safeNormalize));
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    io.stderr(e.message);
    return 1;
  }
  io.event({ type: 'build.start', builder, tags, stages: Math.max(1, outline.stages.length) });
  const out = quiet ? { stdout: () => {}, stderr: (l: string) => io.stderr(l) } : io;
  if (builder === 'classic' && !quiet) {
    out.stdout(`Sending build context to Docker daemon  ${humanSize4(tar.length)}`);
    out.stdout('');
  }
  const target = f.string('target');
  let res: StreamOutcome;
  try {
    const stream = await scope.docker.buildImage(tar as unknown as NodeJS.ReadableStream, {
      version: builder === 'classic' ? '1' : '2',
      dockerfile,
      t: tags,
      buildargs: buildArgs,
      labels,
      nocache: f.bool('no-cache'),
      // the engine's cache is one for every session: the classic builder takes only what the
      // session may see (its images, their ancestors, the bases), so no learner's build hits
      // the cache of another's (BuildKit's cache cannot be split so; docs/real-mode.md)
      ...(cacheFrom.length ? { cachefrom: JSON.stringify(cacheFrom) } : {}),
      ...(target ? { target } : {}),
      q: quiet,
      // no network, memory and CPU caps (classic applies them), and no intermediate container outlives a step
      ...lockedBuildOptions(),
      abortSignal: io.signal,
    } as Record<string, unknown>);
    res = builder === 'classic' ? await readClassic(stream, out, outline, rows, io, { all: Object.keys(labels).length, ours: Object.keys(ours).length }) : await readBuildKit(stream, out, outline.stages, rows, io);
  } catch (e) {
    if (io.signal.aborted) return cancelled(io);
    const message = daemonMessage(e);
    io.stderr(`Error response from daemon: ${message}`);
    io.event({ type: 'build.error', message, exitCode: 1 });
    return 1;
  }
  rememberSteps(scope, res.stepImages);
  if (io.signal.aborted) return cancelled(io);
  if (res.error) {
    const exitCode = builder === 'classic' && res.error.code ? res.error.code : 1;
    io.event({ type: 'build.error', message: res.error.message, exitCode, step: res.steps.length });
    return exitCode;
  }
  const imageId = res.imageId ?? (tags[0] ? ((await scope.docker.getImage(tags[0]).inspect()) as { Id: string }).Id : undefined);
  if (!imageId) return 0;
  await reportImage(scope.docker, io, imageId, tags, previous, res.steps);
  if (quiet) io.stdout(imageId);
  return 0;
};

/** The most step images a session keeps as cache sources (the oldest go first). */
const MAX_STEP_IMAGES = 2000;

function rememberSteps(scope: SessionScope, ids: string[]): void {
  const set = scope.buildSteps;
  for (const id of ids) {
    set.delete(id);
    set.add(id);
  }
  for (const id of set) {
    if (set.size <= MAX_STEP_IMAGES) break;
    set.delete(id);
  }
}

function cancelled(io: CommandIO): number {
  io.event({ type: 'build.error', message: 'context canceled', exitCode: 130 });
  return 130;
}

/** layer.created, image.created, image.tagged and build.done, from inspecting the result. */
async function reportImage(docker: import('dockerode'), io: CommandIO, imageId: string, tags: string[], previous: Map<string, string>, steps: BuildStepEvent[]): Promise<void> {
  const { layers, size } = await imageLayers(docker, imageId);
  // the layers the missed steps wrote are the image's last ones: count them from the first miss
  const layerKinds = /^(RUN|COPY|ADD|WORKDIR) /;
  const lastStage = Math.max(0, ...steps.map((s) => s.stageIndex));
  const stageSteps = steps.filter((s) => s.stageIndex === lastStage && layerKinds.test(s.instruction));
  const firstMiss = stageSteps.findIndex((s) => s.cached === false);
  const fresh = firstMiss < 0 ? 0 : Math.min(stageSteps.length - firstMiss, Math.max(0, layers.length - 1));
  for (const l of layers.slice(layers.length - fresh)) io.event({ type: 'layer.created', diffId: l.diffId, size: l.size });
  const moved = [...previous.values()];
  if (!moved.includes(imageId) && (firstMiss >= 0 || steps.length === 0 || steps.every((s) => s.cached !== true))) io.event({ type: 'image.created', imageId });
  for (const t of tags) {
    const prev = previous.get(t);
    io.event({ type: 'image.tagged', imageId, tag: t, ...(prev && prev !== imageId ? { previous: prev } : {}) });
  }
  io.event({ type: 'build.done', imageId, layers: layers.length, size, tags });
}

/** Classic: the daemon's own text, with the session LABEL step the daemon appends kept out of sight. */
async function readClassic(stream: NodeJS.ReadableStream, out: Pick<CommandIO, 'stdout' | 'stderr'>, outline: { stages: DfStage[]; instructions: DfInstruction[] }, rows: Map<string, number>, io: CommandIO, labelCount: { all: number; ours: number }): Promise<StreamOutcome> {
  const { instructions } = outline;
  const stageNames = outline.stages.map((s) => s.name);
  const res: StreamOutcome = { steps: [], stepImages: [] };
  let carry = '';
  let pending: BuildStepEvent | undefined;
  let hiding = false;
  let hidden = 0;
  const line = (l: string) => {
    const step = /^Step (\d+)\/(\d+) : (.*)$/s.exec(l);
    if (step) {
      const of = Number(step[2]);
      const text = step[3]!;
      // the daemon appends one `LABEL k=v` step per build label: hide the session's own
      if (Number(step[1]) > of - labelCount.all && /^LABEL org\.layerlab\.[\w.-]+=/.test(text)) {
        hidden++;
        hiding = true;
        return;
      }
      hiding = false;
      const n = Number(step[1]) - hidden;
      l = `Step ${n}/${of - labelCount.ours} : ${text}`;
      const ins = instructions[n - 1];
      pending = { type: 'build.step', step: n, of: of - labelCount.ours, stageIndex: ins?.stageIndex ?? 0, instruction: text, line: ins?.line ?? 0, cached: /^FROM /i.test(text) ? null : false };
      const row = ins ? rows.get(`${ins.stageIndex}:${ins.line}`) : undefined;
      if (row !== undefined) pending.historyIndex = row;
      const stageName = ins ? stageNames[ins.stageIndex] : undefined;
      if (stageName) pending.stage = stageName;
    } else if (hiding && !/^Successfully /.test(l)) return;
    else if (pending && l === ' ---> Using cache') pending.cached = true;
    else if (/^ ---> [0-9a-f]{12}$/.test(l)) res.stepImages.push(l.slice(6));
    if (pending && /^ ---> [0-9a-f]{12}$/.test(l)) {
      res.steps.push(pending);
      io.event(pending);
      pending = undefined;
    }
    out.stdout(l);
  };
  await jsonLines(stream, (m) => {
    if (typeof m.stream === 'string') {
      const parts = (carry + m.stream).split('\n');
      carry = parts.pop()!;
      parts.forEach(line);
    }
    const aux = m.aux as { ID?: string } | undefined;
    if (aux?.ID) res.imageId = aux.ID;
    if (m.errorDetail || m.error) {
      const d = (m.errorDetail ?? {}) as { message?: string; code?: number };
      res.error = { message: d.message ?? String(m.error), code: d.code };
    }
  });
  if (carry) line(carry);
  if (res.error) for (const l of res.error.message.split('\n')) out.stderr(l);
  return res;
}

/** BuildKit: the trace rendered as `--progress=plain` (stderr, as the CLI writes it) and a step event per finished `[i/n]` vertex. */
async function readBuildKit(stream: NodeJS.ReadableStream, out: Pick<CommandIO, 'stdout' | 'stderr'>, stages: DfStage[], rows: Map<string, number>, io: CommandIO): Promise<StreamOutcome> {
  const res: StreamOutcome = { steps: [], stepImages: [] };
  const printer = new PlainPrinter((l) => out.stderr(l));
  const reported = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    printer.flush();
  };
  try {
    await jsonLines(stream, (m) => {
      if (m.id === 'moby.buildkit.trace' && typeof m.aux === 'string') {
        const status = decodeTrace(m.aux);
        printer.update(status);
        timer ??= setTimeout(flush, PLAIN_FLUSH_MS);
        for (const v of status.vertexes) {
          if (v.completed === undefined || v.error || reported.has(v.digest)) continue;
          const sv = parseStepVertex(v.name);
          if (!sv) continue;
          reported.add(v.digest);
          const ins = buildkitInstruction(stages, sv.label, sv.step);
          const isFrom = /^FROM /.test(sv.instruction);
          const ev: BuildStepEvent = { type: 'build.step', step: sv.step, of: sv.of, stageIndex: ins?.stageIndex ?? 0, instruction: sv.instruction, line: ins?.line ?? 0, cached: isFrom ? null : v.cached };
          const name = stages[ev.stageIndex]?.name;
          if (name) ev.stage = name;
          const row = ins ? rows.get(`${ins.stageIndex}:${ins.line}`) : undefined;
          if (row !== undefined) ev.historyIndex = row;
          res.steps.push(ev);
          io.event(ev);
        }
      } else if (m.id === 'moby.image.id') {
        res.imageId = (m.aux as { ID?: string }).ID;
      } else if (m.errorDetail || m.error) {
        res.error = { message: ((m.errorDetail as { message?: string } | undefined)?.message ?? String(m.error)) };
      }
      // `{"stream":"Successfully tagged ..."}` is the daemon's, not what the BuildKit CLI prints
    });
  } finally {
    flush();
  }
  if (res.error) {
    printer.errorSummary();
    for (const l of res.error.message.split('\n')) out.stderr(l);
  }
  return res;
}

/** The references a FROM may name in this session: every tag and digest of the images it can see. */
function allowedBases(visible: Iterable<ImageSummary>): (ref: string) => boolean {
  const refs = new Set<string>();
  for (const img of visible) {
    for (const t of img.RepoTags ?? []) if (t !== '<none>:<none>') refs.add(t);
    for (const d of img.RepoDigests ?? []) if (!d.startsWith('<none>')) refs.add(d);
  }
  return (ref) => {
    let r = ref.replace(/^(docker\.io\/)?(library\/)?/, '');
    if (!r.includes('@') && !/:[^/]+$/.test(r)) r += ':latest';
    return refs.has(r);
  };
}
