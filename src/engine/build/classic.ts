/**
 * The classic builder (`DOCKER_BUILDKIT=0`): every instruction of every stage
 * is a step that commits an intermediate image; the cache is those images
 * (a child of the current image made by the same step with the same config).
 * Output: `Step n/N : ...`, ` ---> Using cache`, ` ---> Running in ...`.
 */
import type { BuildStepEvent, MissReason } from '../../shared/events.js';
import { humanSize4 as humanSize } from '../../shared/format/units.js';
import { loadDockerfile, type Instruction, type Stage } from '../dockerfile/instructions.js';
import { DockerError } from '../errors.js';
import type { Layer } from '../fs/layer.js';
import { fromUtf8, shortId } from '../hash.js';
import type { ImageRecord } from '../image/store.js';
import { canonicalJson } from '../image/store.js';
import { UnionFs } from '../fs/union.js';
import { cacheKey, explainMiss, type StepDescriptor } from './cache.js';
import { applyTags, configDoc, findStage, fromRef, isMetadata, metaArgValues, takeTriggers, targetStage, unusedArgs } from './common.js';
import { contextEvent, readsOf, stagesEvent } from './report.js';
import { copyHistory, runHistory, workdirHistory } from './history.js';
import { applyMetadata, runArgs, shellCommand, stateFromImage, type StageState } from './stage.js';
import { applyCopy, planCopy, runStep, workdirStep, type CopyPlan, type CopySource, type StepEnv } from './steps.js';
import type { BuildHost, BuildOutput, BuildRequest, BuildResult } from './types.js';


function cloneState(s: StageState): StageState {
  return { config: structuredClone(s.config), history: s.history.map((h) => ({ ...h })), layers: [...s.layers], args: new Map(s.args), cmdSet: s.cmdSet };
}

/** Runs a classic build; the result carries Docker's exit code. */
export function buildClassic(host: BuildHost, req: BuildRequest, sink: BuildOutput): BuildResult {
  const out = new ClassicStream(sink);
  const steps: BuildStepEvent[] = [];
  const ignoreEntry = req.context.get('.dockerignore');
  const ignoreText = ignoreEntry?.data ? fromUtf8(ignoreEntry.data) : undefined;
  const ctx = req.context.withIgnore(ignoreText, [req.dockerfileName, '.dockerignore']);
  host.emit(contextEvent(req.contextId, req.context, ctx, ignoreText));
  out.stdout(`Sending build context to Docker daemon  ${humanSize(ctx.tarSize())}`);
  out.stdout('');
  let df;
  try {
    df = loadDockerfile(req.dockerfile, req.dockerfileName);
  } catch (e) {
    const parser = e instanceof DockerError && e.details.parser;
    return fail(host, out, e, steps, parser ? 'Error response from daemon: failed to parse Dockerfile: ' : 'Error response from daemon: ');
  }
  const used = new Set<string>();
  let curId = '';
  try {
    const metaArgs = metaArgValues(df, req.buildArgs, used);
    const target = targetStage(df, req.target);
    const stages = df.stages.filter((s) => s.index <= target.index);
    const built = new Set(stages.map((s) => s.index));
    host.emit(stagesEvent(df, metaArgs, target.index, built));
    const labels = req.labels && req.labels.size > 0 ? req.labels : undefined;
    const total = stages.reduce((n, s) => n + 1 + s.instructions.length, 0) + (labels ? 1 : 0);
    const results = new Map<number, string>();
    let stepNo = 0;
    const env: StepEnv = { builder: 'classic', escape: df.escape, now: () => host.now(), resolver: host.resolver, signal: req.signal, dryRun: req.dryRun, hostname: '' };
    for (const stage of stages) {
      stepNo++;
      out.stdout(`Step ${stepNo}/${total} : ${stage.from.raw.original}`);
      const ref = fromRef(stage, metaArgs, df.escape);
      const fromStage = findStage(df, ref, stage.index);
      const base = fromStage ? stageImage(host, results.get(fromStage.index)!) : host.baseImage(ref, (l) => out.stdout(l));
      out.stdout(` ---> ${shortId(base.id)}`);
      const fromEv = stepEvent(stepNo, total, stage, stage.from, null);
      fromEv.historyIndex = base.config.history.length - 1;
      steps.push(fromEv);
      host.emit(fromEv);
      let state = stateFromImage(base.config.config, base.config.history, host.store.layersOf(base));
      curId = base.id;
      let missedAt: number | undefined;
      const triggers = fromStage ? [] : takeTriggers(state);
      if (triggers.length) out.stdout(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}`);
      const list: Instruction[] = [...triggers, ...stage.instructions];
      if (labels && stage === target) list.push(labelInstruction(labels));
      for (const ins of list) {
        // triggers run without a Step line of their own
        if (!triggers.includes(ins)) {
          stepNo++;
          out.stdout(`Step ${stepNo}/${total} : ${ins.raw.original}`);
        }
        const trial = cloneState(state);
        const plan = planStep(host, df.escape, req, trial, ins, ctx, results, stage, df, env, metaArgs, used);
        const sig = cacheKey(curId, plan.desc);
        const hit = req.noCache ? undefined : host.store.children(curId).find((c) => c.cacheSig === sig);
        if (hit) {
          out.stdout(' ---> Using cache');
          out.stdout(` ---> ${shortId(hit.id)}`);
          state = { ...trial, config: structuredClone(hit.config.config), history: hit.config.history.map((h) => ({ ...h })), layers: host.store.layersOf(hit) };
          curId = hit.id;
          const hitEv = stepEvent(stepNo, total, stage, ins, true, sig);
          hitEv.historyIndex = state.history.length - 1;
          if (plan.copy) hitEv.reads = readsOf(plan.copy);
          steps.push(hitEv);
          host.emit(hitEv);
          continue;
        }
        // the per-file list is only kept for steps that ran (to explain a later miss)
        if (plan.copy) plan.desc.files = Object.fromEntries(plan.copy.files);
        const reason: MissReason = req.noCache
          ? { kind: 'no-cache' }
          : missedAt !== undefined
            ? { kind: 'parent-missed', step: missedAt }
            : explainMiss(plan.desc, host.store.children(curId).flatMap((c) => (c.cacheDesc ? [c.cacheDesc] : [])));
        missedAt ??= stepNo;
        const ctr = host.randomHex(32);
        const layer = execute(host, out, trial, ins, plan, ctr, curId, env);
        const now = host.now();
        trial.history.push({ created: now, created_by: plan.createdBy, ...(layer ? {} : { empty_layer: true }) });
        if (layer) {
          trial.layers.push(layer);
          host.emit({ type: 'layer.created', diffId: layer.diffId, size: layer.size });
        }
        trial.config.Image = curId;
        const rec = host.store.add(configDoc(trial, now, plan.ranContainer ? { container: ctr } : {}), trial.layers, { parent: curId || undefined, cacheSig: sig, cacheDesc: plan.desc });
        out.stdout(` ---> ${shortId(rec.id)}`);
        state = trial;
        curId = rec.id;
        const ev = stepEvent(stepNo, total, stage, ins, false, sig, reason);
        ev.layer = layer ? { diffId: layer.diffId, size: layer.size } : null;
        ev.historyIndex = trial.history.length - 1;
        if (plan.copy) ev.reads = readsOf(plan.copy);
        steps.push(ev);
        host.emit(ev);
      }
      results.set(stage.index, curId);
    }
    if (!curId) throw new DockerError('No image was generated. Is your Dockerfile empty?');
    const unused = unusedArgs(req.buildArgs, used);
    if (unused.length) out.stdout(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
    out.stdout(`Successfully built ${shortId(curId)}`);
    for (const t of applyTags(host, curId, req.tags)) out.stdout(`Successfully tagged ${t}`);
    const img = host.store.images.get(curId)!;
    const sizes = new Map<number, number>();
    for (const [i, id] of results) {
      const rec = host.store.images.get(id);
      sizes.set(i, rec ? host.store.sizeOf(rec) : 0);
    }
    host.emit(stagesEvent(df, metaArgs, target.index, built, sizes));
    host.emit({ type: 'build.done', imageId: curId, layers: img.config.rootfs.diff_ids.length, size: host.store.sizeOf(img), tags: req.tags });
    return { exitCode: 0, imageId: curId, steps };
  } catch (e) {
    return fail(host, out, e, steps, '');
  }
}

interface Plan {
  desc: StepDescriptor;
  createdBy: string;
  /** Classic runs a container for every step except COPY/ADD. */
  ranContainer: boolean;
  copy?: CopyPlan;
}

/** Computes what a step is (its descriptor and history text) without running a command. */
function planStep(
  host: BuildHost,
  escape: string,
  req: BuildRequest,
  trial: StageState,
  ins: Instruction,
  ctx: BuildRequest['context'],
  results: Map<number, string>,
  stage: Stage,
  df: ReturnType<typeof loadDockerfile>,
  env: StepEnv,
  metaArgs: Map<string, string>,
  used: Set<string>,
): Plan {
  const config = canonicalJson(trial.config);
  if (isMetadata(ins)) {
    const createdBy = applyMetadata(trial, ins, 'classic', escape, req.buildArgs, metaArgs, used);
    return { desc: { text: createdBy, args: {}, config }, createdBy, ranContainer: true };
  }
  if (ins.kind === 'RUN') {
    const argv = ins.exec ?? shellCommand(trial, ins.shell!);
    const args = runArgs(trial);
    const createdBy = runHistory('classic', argv, args);
    return { desc: { text: argv.join(' '), args: Object.fromEntries(args), config }, createdBy, ranContainer: true };
  }
  if (ins.kind === 'WORKDIR') {
    const probe = cloneState(trial);
    const { dir } = workdirStep(probe, ins, { ...env, builder: 'classic' });
    return { desc: { text: `WORKDIR ${dir}`, args: {}, config }, createdBy: workdirHistory('classic', dir), ranContainer: true };
  }
  if (ins.kind === 'COPY' || ins.kind === 'ADD') {
    const src = copySource(host, ins, ctx, results, stage, df);
    const r = planCopy(trial, ins, src, env);
    return {
      desc: { text: `${ins.kind} ${r.classicSource.split(':')[0]} in ${r.dest}`, args: {}, filesSum: r.checksum, config },
      createdBy: copyHistory('classic', ins.kind, r.classicSource, r.dest, r.args),
      ranContainer: false,
      copy: r,
    };
  }
  throw new DockerError(`unexpected instruction ${ins.kind}`);
}

/** The image an earlier stage produced ('' for a stage that stayed at `FROM scratch`). */
function stageImage(host: BuildHost, id: string): ImageRecord {
  return host.store.images.get(id) ?? host.baseImage('scratch');
}

/** Where COPY --from reads: an earlier stage's image, or any image (pulled if needed). */
export function copySource(host: BuildHost, ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>, ctx: BuildRequest['context'], results: Map<number, string>, stage: Stage, df: ReturnType<typeof loadDockerfile>): CopySource {
  if (!ins.from) return { kind: 'context', context: ctx };
  const dep = findStage(df, ins.from, stage.index);
  const img: ImageRecord = dep ? stageImage(host, results.get(dep.index)!) : host.baseImage(ins.from);
  return { kind: 'fs', fs: new UnionFs(host.store.layersOf(img)), name: ins.from };
}

/** Runs a step that missed the cache and prints what classic prints; returns its layer (null: none). */
function execute(host: BuildHost, out: ClassicStream, trial: StageState, ins: Instruction, plan: Plan, ctr: string, curId: string, env: StepEnv): Layer | null {
  const c12 = ctr.slice(0, 12);
  if (ins.kind === 'COPY' || ins.kind === 'ADD') return applyCopy(trial, plan.copy!, env);
  out.stdout(` ---> Running in ${c12}`);
  let layer: Layer | null = null;
  if (ins.kind === 'RUN') {
    const res = runStep(trial, ins, { ...env, hostname: c12 });
    // the daemon streams each stderr write between red colour codes, in the order written
    for (const c of res.chunks) out.write(c.stream === 'stdout' ? c.text : `\x1b[91m${c.text}\x1b[0m`);
    if (res.notFound) {
      host.leaveBuildContainer({ id: ctr, imageId: curId, argv: res.argv, exitCode: 127, created: host.now() });
      throw new DockerError(`OCI runtime create failed: container_linux.go:380: starting container process caused: exec: "${res.argv[0]}": executable file not found in $PATH: unknown`, 127);
    }
    if (res.exitCode !== 0) {
      host.leaveBuildContainer({ id: ctr, imageId: curId, argv: res.argv, exitCode: res.exitCode, created: host.now() });
      throw new DockerError(`The command '${res.argv.join(' ')}' returned a non-zero code: ${res.exitCode}`, res.exitCode, { kind: 'run-failed' });
    }
    layer = res.diff.isEmpty ? null : res.diff;
  } else if (ins.kind === 'WORKDIR') {
    layer = workdirStep(trial, ins, env).diff;
  }
  out.stdout(`Removing intermediate container ${c12}`);
  return layer;
}

/**
 * The classic build stream: a RUN's stdout as is, its stderr between red
 * colour codes; a partial last line (`ESC[0m`) joins the next line printed.
 */
class ClassicStream implements BuildOutput {
  private carry = '';
  constructor(private readonly out: BuildOutput) {}
  stdout(line: string): void {
    this.out.stdout(this.carry + line);
    this.carry = '';
  }
  stderr(line: string): void {
    this.out.stderr(line);
  }
  /** Writes raw process output, keeping an unterminated last line for the next one. */
  write(text: string): void {
    const lines = (this.carry + text).split('\n');
    this.carry = lines.pop()!;
    for (const l of lines) this.out.stdout(l);
  }
}

function labelInstruction(labels: Map<string, string>): Instruction {
  const text = [...labels].map(([k, v]) => `"${k}"="${v}"`).join(' ');
  return {
    kind: 'LABEL',
    pairs: [...labels].map(([k, v]) => [k, v]),
    raw: { keyword: 'LABEL', typed: 'LABEL', line: 0, endLine: 0, original: `LABEL ${text}`, flags: [], rest: text },
  };
}

function stepEvent(step: number, of: number, stage: Stage, ins: Instruction, cached: boolean | null, key?: string, missReason?: MissReason): BuildStepEvent {
  const ev: BuildStepEvent = { type: 'build.step', step, of, stageIndex: stage.index, instruction: ins.raw.original, line: ins.raw.line, cached };
  if (stage.name) ev.stage = stage.name;
  if (key) ev.cacheKey = key;
  if (missReason) ev.missReason = missReason;
  return ev;
}

function fail(host: BuildHost, out: BuildOutput, e: unknown, steps: BuildStepEvent[], prefix: string): BuildResult {
  if (!(e instanceof DockerError)) throw e;
  out.stderr(prefix + e.message);
  host.emit({ type: 'build.error', message: e.message, exitCode: e.exitCode, step: steps.length });
  return { exitCode: e.exitCode, steps, error: e.message };
}
