/**
 * The BuildKit builder (the default): only the stages the target needs are
 * built; FROM, RUN, COPY, ADD and WORKDIR are vertices with content-based
 * cache keys kept in a build cache that outlives images; metadata
 * instructions only change the config. Output: BuildKit's plain progress.
 */
import type { BuildStepEvent, MissReason } from '../../shared/events.js';
import { displayWord } from '../dockerfile/lex.js';
import { loadDockerfile, type Dockerfile, type Instruction, type Stage } from '../dockerfile/instructions.js';
import { DockerError } from '../errors.js';
import type { Layer } from '../fs/layer.js';
import { UnionFs } from '../fs/union.js';
import { fromUtf8, sha256Hex } from '../hash.js';
import { fullName, parseReference } from '../image/reference.js';
import { canonicalJson, type ImageRecord } from '../image/store.js';
import type { HistoryEntry } from '../image/types.js';
import { cacheKey, explainMiss, type StepDescriptor } from './cache.js';
import { applyTags, configDoc, findStage, fromRef, isMetadata, metaArgValues, neededStages, takeTriggers, targetStage } from './common.js';
import type { BuildContext, ContextEntry } from './context.js';
import { contextEvent, readsOf, stagesEvent } from './report.js';
import { copyHistory, runHistory, workdirHistory } from './history.js';
import { PlainProgress, progressBytes, transferBytes, type TransferMemory, type Vertex } from './progress.js';
import { applyMetadata, envOf, runArgs, shellCommand, stateFromImage, substitutionEnv, type StageState } from './stage.js';
import { applyCopy, planCopy, runStep, workdirStep, type CopyPlan, type CopySource, type StepEnv } from './steps.js';
import type { BuildHost, BuildOutput, BuildRequest, BuildResult } from './types.js';

const COMMENT = 'buildkit.dockerfile.v0';
/** The digest BuildKit always shows for its "exporting to image" vertex. */
const EXPORT_DIGEST = 'sha256:e8c613e07b0b7ff33893b694f7759a10d42e180f2b4dc349fb57dc6b71dcab00';
const LFS = 'sha256:';

interface StageResult {
  state: StageState;
  key: string;
  vdigest: string;
}

class StepFailure extends Error {
  constructor(
    readonly vertex: Vertex,
    readonly label: string,
    readonly final: string,
  ) {
    super(final);
  }
}

/** Runs a BuildKit build, printing plain progress on stderr. */
export function buildBuildkit(host: BuildHost, req: BuildRequest, out: BuildOutput): BuildResult {
  const pr = new PlainProgress();
  const steps: BuildStepEvent[] = [];
  const transfer = (kind: string, entries: [string, ContextEntry][]) => {
    const k = `${req.contextId}\0${kind}`;
    let prev = host.transfers.get(k);
    if (!prev) host.transfers.set(k, (prev = new Map() as TransferMemory));
    return progressBytes(transferBytes(entries, prev));
  };
  const def = pr.vertex(`[internal] load build definition from ${req.dockerfileName}`, LFS + host.randomHex(32));
  const dfEntry: ContextEntry = req.context.get(req.dockerfileName) ?? { type: 'file', mode: 0o644, mtime: 0, size: 0, digest: '' };
  def.lines.push(`transferring dockerfile: ${transfer('dockerfile', [[req.dockerfileName, { ...dfEntry, size: new TextEncoder().encode(req.dockerfile).length, digest: sha256Hex(req.dockerfile) }]])} done`);
  const ign = pr.vertex('[internal] load .dockerignore', LFS + host.randomHex(32));
  const ignEntry = req.context.get('.dockerignore');
  ign.lines.push(`transferring context: ${transfer('dockerignore', ignEntry ? [['.dockerignore', ignEntry]] : [])} done`);
  let df: Dockerfile;
  try {
    df = loadDockerfile(req.dockerfile, req.dockerfileName);
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    return finish(host, out, pr, steps, [`failed to solve with frontend dockerfile.v0: failed to create LLB definition: ${e.message}`], e);
  }
  const ignoreText = ignEntry?.data ? fromUtf8(ignEntry.data) : undefined;
  const ctx = req.context.withIgnore(ignoreText);
  const used = new Set<string>();
  try {
    const metaArgs = metaArgValues(df, req.buildArgs, used);
    const target = targetStage(df, req.target);
    const stages = neededStages(df, target, metaArgs);
    const built = new Set(stages.map((s) => s.index));
    host.emit(contextEvent(req.contextId, req.context, ctx, ignoreText));
    host.emit(stagesEvent(df, metaArgs, target.index, built));
    const bases = new Map<string, ImageRecord>();
    for (const s of stages) {
      const ref = fromRef(s, metaArgs, df.escape);
      if (findStage(df, ref, s.index) || bases.has(ref)) continue;
      if (ref === 'scratch') {
        bases.set(ref, host.baseImage(ref));
        continue;
      }
      const meta = pr.vertex(`[internal] load metadata for ${displayRef(ref)}`, LFS + sha256Hex('metadata:' + displayRef(ref)));
      try {
        bases.set(ref, host.baseImage(ref));
      } catch (e) {
        if (!(e instanceof DockerError)) throw e;
        meta.status = 'ERROR';
        meta.error = e.message;
        return finish(host, out, pr, steps, ['------', ` > [internal] load metadata for ${displayRef(ref)}:`, '------', `failed to solve with frontend dockerfile.v0: failed to create LLB definition: ${e.message}`], e);
      }
    }
    const contextVertex = usesContext(stages) ? pr.vertex('[internal] load build context', LFS + host.randomHex(32)) : undefined;
    if (contextVertex) contextVertex.lines.push(`transferring context: ${transfer('context', followPaths(ctx, stages))} done`);
    const session = host.randomHex(32);
    const results = new Map<number, StageResult>();
    const fromVertices = new Map<string, Vertex>();
    const loadedBefore = new Set(host.buildkitLoaded);
    const multi = df.stages.length > 1;
    const env: StepEnv = { builder: 'buildkit', escape: df.escape, now: () => host.now(), resolver: host.resolver, signal: req.signal, dryRun: req.dryRun, hostname: 'buildkitsandbox' };
    for (const stage of stages) {
      const label = stage.name ?? (multi ? `stage-${stage.index}` : '');
      const total = 1 + stage.instructions.filter((i) => ['RUN', 'COPY', 'ADD', 'WORKDIR'].includes(i.kind)).length;
      let idx = 1;
      const prefix = () => `[${label ? label + ' ' : ''}${idx}/${total}]`;
      const ref = fromRef(stage, metaArgs, df.escape);
      const dep = findStage(df, ref, stage.index);
      let cur: StageResult;
      let fromVertex: Vertex | undefined;
      let baseId = '';
      if (dep) {
        const r = results.get(dep.index)!;
        cur = { state: cloneState(r.state), key: r.key, vdigest: r.vdigest };
      } else {
        const img = bases.get(ref)!;
        baseId = img.id;
        const vd = LFS + sha256Hex(`from:${displayRef(ref)}:${img.id}`);
        if (img.id && !fromVertices.has(img.id)) {
          fromVertex = pr.vertex(`${prefix()} FROM ${displayRef(ref)}`, vd);
          fromVertices.set(img.id, fromVertex);
        }
        cur = { state: stateFromImage(img.config.config, img.config.history, host.store.layersOf(img)), key: cacheKey('', { text: `FROM ${img.id}`, args: {} }), vdigest: vd };
      }
      const fromEv: BuildStepEvent = { type: 'build.step', step: 1, of: total, stageIndex: stage.index, instruction: `FROM ${displayRef(ref)}`, line: stage.from.raw.line, cached: null, historyIndex: cur.state.history.length - 1 };
      if (stage.name) fromEv.stage = stage.name;
      steps.push(fromEv);
      host.emit(fromEv);
      // a base BuildKit loaded before shows CACHED when the stage's first step needs it (missed or failed)
      let settled = false;
      const settleFrom = (needed: boolean) => {
        if (settled) return;
        settled = true;
        if (fromVertex && loadedBefore.has(baseId) && needed) fromVertex.status = 'CACHED';
      };
      let missedAt: number | undefined;
      const triggers = dep ? [] : takeTriggers(cur.state);
      for (const ins of [...triggers, ...stage.instructions]) {
        const st = cur.state;
        if (isMetadata(ins)) {
          let text: string;
          try {
            text = applyMetadata(st, ins, 'buildkit', df.escape, req.buildArgs, metaArgs, used);
          } catch (e) {
            if (e instanceof DockerError) throw new DockerError(`failed to solve with frontend dockerfile.v0: failed to create LLB definition: ${e.message}`);
            throw e;
          }
          st.history.push({ created: 0, created_by: text, comment: COMMENT, empty_layer: true });
          continue;
        }
        if (ins.kind === 'WORKDIR') {
          const probe = cloneState(st);
          const { dir } = workdirStep(probe, ins, env);
          if (dir === '/') {
            st.config.WorkingDir = '/';
            st.history.push({ created: 0, created_by: workdirHistory('buildkit', dir), comment: COMMENT, empty_layer: true });
            continue;
          }
        }
        idx++;
        const display = `${prefix()} ${displayInstruction(ins, st, df.escape)}`;
        let plan: VertexPlan;
        try {
          plan = planVertex(host, st, ins, ctx, results, stage, df, env);
        } catch (e) {
          if (!(e instanceof CacheKeyError)) throw e;
          settleFrom(true);
          const v = withError(pr.vertex(display, LFS + host.randomHex(32)), e.message);
          throw new StepFailure(v, display, `failed to compute cache key: ${e.message}`);
        }
        const key = cacheKey(cur.key, plan.desc);
        const vdigest = LFS + sha256Hex(`${cur.vdigest}\n${plan.desc.text}\n${canonicalJson(plan.desc.args)}\n${plan.usesContext ? session : plan.fromDigest ?? ''}`);
        const v = pr.vertex(display, vdigest);
        const rec = req.noCache ? undefined : host.cache.get(key);
        let layer: Layer | null;
        let created: number;
        let reason: MissReason | undefined;
        if (!rec) settleFrom(true);
        if (rec) {
          v.status = 'CACHED';
          layer = rec.diffId ? (host.store.layers.get(rec.diffId) ?? null) : null;
          created = rec.created;
        } else {
          if (plan.files) plan.desc.files = Object.fromEntries(plan.files);
          reason = req.noCache ? { kind: 'no-cache' } : missedAt !== undefined ? { kind: 'parent-missed', step: missedAt } : explainMiss(plan.desc, host.cache.siblings(cur.key));
          missedAt ??= idx;
          layer = plan.run ? plan.run(v, display) : (plan.diff ?? null);
          created = host.now();
          if (layer) {
            host.store.layers.set(layer.diffId, host.store.layers.get(layer.diffId) ?? layer);
            host.emit({ type: 'layer.created', diffId: layer.diffId, size: layer.size });
          }
          host.cache.put({ key, parent: cur.key, desc: plan.desc, diffId: layer?.diffId ?? null, created });
        }
        settleFrom(!rec);
        if (layer) st.layers.push(host.store.layers.get(layer.diffId) ?? layer);
        if (plan.workdir) st.config.WorkingDir = plan.workdir;
        st.history.push({ created, created_by: plan.createdBy, comment: COMMENT, ...(layer ? {} : { empty_layer: true }) });
        const ev: BuildStepEvent = { type: 'build.step', step: idx, of: total, stageIndex: stage.index, instruction: display.replace(/^\[[^\]]*\] /, ''), line: ins.raw.line, cached: !!rec, cacheKey: key, layer: layer ? { diffId: layer.diffId, size: layer.size } : null };
        if (stage.name) ev.stage = stage.name;
        if (reason) ev.missReason = reason;
        ev.historyIndex = st.history.length - 1;
        if (plan.copy) ev.reads = readsOf(plan.copy);
        steps.push(ev);
        host.emit(ev);
        cur = { state: st, key, vdigest };
      }
      settleFrom(true);
      if (baseId) host.buildkitLoaded.add(baseId);
      results.set(stage.index, cur);
    }
    const final = results.get(target.index)!.state;
    const sizes = new Map<number, number>();
    for (const [i, r] of results) sizes.set(i, r.state.layers.reduce((n, l) => n + l.size, 0));
    host.emit(stagesEvent(df, metaArgs, target.index, built, sizes));
    if (req.labels?.size) final.config.Labels = { ...(final.config.Labels ?? {}), ...Object.fromEntries(req.labels) };
    fillTimes(final.history);
    const created = final.history[final.history.length - 1]?.created ?? 0;
    const img = host.store.add(configDoc(final, created), final.layers);
    const exp = pr.vertex('exporting to image', EXPORT_DIGEST);
    exp.lines.push('exporting layers done', `writing image ${img.id} done`);
    for (const t of req.tags) exp.lines.push(`naming to ${namingRef(t)} done`);
    applyTags(host, img.id, req.tags);
    host.emit({ type: 'build.done', imageId: img.id, layers: final.layers.length, size: host.store.sizeOf(img), tags: req.tags });
    return finish(host, out, pr, steps, [], undefined, img.id);
  } catch (e) {
    if (e instanceof StepFailure) {
      e.vertex.status = 'ERROR';
      return finish(host, out, pr, steps, ['------', ` > ${e.label}:`, '------', e.final], new DockerError(e.final));
    }
    if (!(e instanceof DockerError)) throw e;
    return finish(host, out, pr, steps, [e.message], e);
  }
}

interface VertexPlan {
  desc: StepDescriptor;
  createdBy: string;
  usesContext: boolean;
  fromDigest?: string;
  /** COPY/ADD: the files read, recorded with the step when it runs. */
  files?: ReadonlyMap<string, string>;
  copy?: CopyPlan;
  diff?: Layer | null;
  workdir?: string;
  run?: (v: Vertex, label: string) => Layer | null;
}

function planVertex(host: BuildHost, st: StageState, ins: Instruction, ctx: BuildContext, results: Map<number, StageResult>, stage: Stage, df: Dockerfile, env: StepEnv): VertexPlan {
  if (ins.kind === 'RUN') {
    const argv = ins.exec ?? shellCommand(st, ins.shell!);
    const args = runArgs(st);
    const config = canonicalJson({ env: [...envOf(st)].map(([k, v]) => `${k}=${v}`), cwd: st.config.WorkingDir || '/', user: st.config.User, network: ins.network ?? '', mounts: ins.mounts });
    return {
      desc: { text: argv.join(' '), args: Object.fromEntries(args), config },
      createdBy: runHistory('buildkit', argv, args),
      usesContext: false,
      run: (v, label) => {
        const res = runStep(st, ins, env);
        const text = res.chunks.map((c) => c.text).join('');
        const lines = text.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        for (const l of lines) v.lines.push(`0.105 ${l}`);
        if (res.notFound) throw new StepFailure(withError(v, `executor failed running [${argv.join(' ')}]: exit code: 127`), label, `executor failed running [${argv.join(' ')}]: runc run failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH`);
        if (res.exitCode !== 0) {
          const msg = `executor failed running [${argv.join(' ')}]: exit code: ${res.exitCode}`;
          throw new StepFailure(withError(v, msg), label, msg);
        }
        return res.diff;
      },
    };
  }
  if (ins.kind === 'WORKDIR') {
    const probe = cloneState(st);
    const { dir, diff } = workdirStep(probe, ins, env);
    return { desc: { text: `mkdir ${dir}`, args: {}, config: canonicalJson({ user: st.config.User }) }, createdBy: workdirHistory('buildkit', dir), usesContext: false, diff, workdir: dir };
  }
  if (ins.kind === 'COPY' || ins.kind === 'ADD') {
    let src: CopySource = { kind: 'context', context: ctx };
    let fromDigest: string | undefined;
    if (ins.from) {
      const dep = findStage(df, ins.from, stage.index);
      if (dep) {
        const r = results.get(dep.index)!;
        src = { kind: 'fs', fs: new UnionFs(r.state.layers), name: ins.from };
        fromDigest = r.vdigest;
      } else {
        const img = host.baseImage(ins.from);
        src = { kind: 'fs', fs: new UnionFs(host.store.layersOf(img)), name: ins.from };
        fromDigest = img.id;
      }
    }
    let r: ReturnType<typeof planCopy>;
    try {
      r = planCopy(st, ins, src, env);
    } catch (e) {
      if (e instanceof DockerError && e.details.cacheKey) throw new CacheKeyError(e.message);
      throw e;
    }
    const flags = [ins.chown ? `--chown=${ins.chown}` : '', ins.chmod ? `--chmod=${ins.chmod}` : ''].filter(Boolean);
    const plan = r;
    return {
      desc: { text: `${ins.kind} ${[...flags, ...r.args].join(' ')}`, args: {}, filesSum: r.checksum },
      files: r.files,
      copy: r,
      createdBy: copyHistory('buildkit', ins.kind, '', r.dest, r.args),
      usesContext: !ins.from,
      fromDigest,
      run: () => applyCopy(st, plan, env),
    };
  }
  throw new DockerError(`unexpected instruction ${ins.kind}`);
}

/** A COPY whose sources are missing fails while BuildKit computes its cache key. */
class CacheKeyError extends DockerError {}

function withError(v: Vertex, msg: string): Vertex {
  v.error = msg;
  return v;
}

function cloneState(s: StageState): StageState {
  return { config: structuredClone(s.config), history: s.history.map((h) => ({ ...h })), layers: [...s.layers], args: new Map(s.args), cmdSet: s.cmdSet };
}

/** The vertex name: keyword uppercased, variables shown with their values, quotes kept. */
function displayInstruction(ins: Instruction, st: StageState, escape: string): string {
  const orig = ins.raw.original;
  const body = orig.slice(ins.raw.typed.length);
  return ins.raw.keyword + displayWord(body, substitutionEnv(st), escape);
}

/** `docker.io/library/alpine:3.20` for `alpine:3.20`: how BuildKit names images. */
function displayRef(ref: string): string {
  try {
    const r = parseReference(ref);
    return fullName(r) + (r.tag ? `:${r.tag}` : r.digest ? '' : ':latest') + (r.digest ? `@${r.digest}` : '');
  } catch {
    return ref;
  }
}

function namingRef(tag: string): string {
  const r = parseReference(tag);
  return fullName(r) + (r.tag ? `:${r.tag}` : '');
}

function usesContext(stages: Stage[]): boolean {
  return stages.some((s) => s.instructions.some((i) => (i.kind === 'COPY' || i.kind === 'ADD') && !i.from));
}

/** The context entries BuildKit transfers: only the paths COPY/ADD name (FollowPaths), with their parents. */
function followPaths(ctx: BuildContext, stages: Stage[]): [string, ContextEntry][] {
  const wanted = new Set<string>();
  for (const s of stages) {
    for (const i of s.instructions) {
      if ((i.kind !== 'COPY' && i.kind !== 'ADD') || i.from) continue;
      for (const src of i.sources) {
        for (const m of ctx.match(src.replace(/^\.?\/+/, '') || '.')) {
          if (m === '') return [...ctx.entries];
          wanted.add(m);
          for (const [rel] of ctx.subtree(m)) if (rel) wanted.add(`${m}/${rel}`);
          let j = m.lastIndexOf('/');
          while (j > 0) {
            wanted.add(m.slice(0, j));
            j = m.lastIndexOf('/', j - 1);
          }
        }
      }
    }
  }
  return [...ctx.entries].filter(([p]) => wanted.has(p));
}

/** Metadata rows take the time of the layer row before them, so a cached rebuild gives the same image ID. */
function fillTimes(history: HistoryEntry[]): void {
  let last = 0;
  for (const h of history) {
    if (h.created === 0) h.created = last;
    else last = h.created;
  }
}

function finish(host: BuildHost, out: BuildOutput, pr: PlainProgress, steps: BuildStepEvent[], trailer: string[], err?: DockerError, imageId?: string): BuildResult {
  pr.print((l) => out.stderr(l), trailer);
  if (err) {
    host.emit({ type: 'build.error', message: err.message, exitCode: 1, step: steps.length });
    return { exitCode: 1, steps, error: err.message };
  }
  return { exitCode: 0, imageId, steps };
}
