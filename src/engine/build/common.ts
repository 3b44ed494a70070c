/** Pieces both builders share: stages, FROM resolution, ARG scope, tagging, image configs. */
import { loadDockerfile, type Dockerfile, type Instruction, type Stage } from '../dockerfile/instructions.js';
import { processWord } from '../dockerfile/lex.js';
import { DockerError } from '../errors.js';
import { normalizeTagged } from '../image/reference.js';
import type { ImageConfigDoc } from '../image/types.js';
import type { StageState } from './stage.js';
import type { BuildHost } from './types.js';

/** ARG values declared before the first FROM, with --build-arg overrides. */
export function metaArgValues(df: Dockerfile, buildArgs: ReadonlyMap<string, string>, used: Set<string>): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of df.metaArgs) {
    if (buildArgs.has(a.name)) {
      m.set(a.name, buildArgs.get(a.name)!);
      used.add(a.name);
    } else if (a.value !== undefined) m.set(a.name, processWord(a.value, m, df.escape));
  }
  return m;
}

/** The image a stage's FROM names, after meta-ARG substitution. */
export function fromRef(stage: Stage, metaArgs: ReadonlyMap<string, string>, escape: string): string {
  const ref = processWord(stage.from.image, metaArgs, escape);
  if (!ref) throw new DockerError(`base name (${stage.from.image}) should not be blank`);
  return ref;
}

/** The stage a name or index refers to, among the stages before `before`. */
export function findStage(df: Dockerfile, ref: string, before: number): Stage | undefined {
  const lower = ref.toLowerCase();
  const byName = df.stages.find((s) => s.index < before && s.name === lower);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i < before) return df.stages[i];
    throw new DockerError(`invalid stage index ${ref}`);
  }
  return undefined;
}

/** The stage `--target` selects (default: the last). */
export function targetStage(df: Dockerfile, target?: string): Stage {
  if (!target) return df.stages[df.stages.length - 1]!;
  const s = df.stages.find((x) => x.name === target.toLowerCase());
  if (!s) throw new DockerError(`failed to reach build target ${target} in Dockerfile`);
  return s;
}

/** The stages a target depends on (FROM and COPY --from), in Dockerfile order: what BuildKit builds. */
export function neededStages(df: Dockerfile, target: Stage, metaArgs: ReadonlyMap<string, string>): Stage[] {
  const need = new Set<number>();
  const visit = (s: Stage) => {
    if (need.has(s.index)) return;
    need.add(s.index);
    const base = findStage(df, fromRef(s, metaArgs, df.escape), s.index);
    if (base) visit(base);
    for (const ins of s.instructions) {
      if ((ins.kind === 'COPY' || ins.kind === 'ADD') && ins.from) {
        const dep = findStage(df, ins.from, s.index);
        if (dep) visit(dep);
      }
    }
  };
  visit(target);
  return df.stages.filter((s) => need.has(s.index));
}

/** Points each tag at the image, emitting events; returns the tags as Docker prints them. */
export function applyTags(host: BuildHost, imageId: string, tags: string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const key = normalizeTagged(t);
    const prev = host.store.tag(key, imageId);
    host.emit({ type: 'image.tagged', imageId, tag: key, previous: prev });
    out.push(key);
  }
  return out;
}

/** Validates `-t` values before building, with Docker's message. */
export function checkTags(tags: string[]): void {
  for (const t of tags) {
    try {
      normalizeTagged(t);
    } catch {
      throw new DockerError(`invalid argument "${t}" for "-t, --tag" flag: invalid reference format`, 125);
    }
  }
}

/** An image config document for a stage's current state. */
export function configDoc(state: StageState, created: number, extra: Partial<ImageConfigDoc> = {}): ImageConfigDoc {
  return {
    architecture: 'amd64',
    os: 'linux',
    config: structuredClone(state.config),
    created,
    history: state.history.map((h) => ({ ...h })),
    rootfs: { type: 'layers', diff_ids: state.layers.map((l) => l.diffId) },
    ...extra,
  };
}


/** Build args given but never declared: classic warns about them. */
export function unusedArgs(buildArgs: ReadonlyMap<string, string>, used: Set<string>): string[] {
  const builtin = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy']);
  return [...buildArgs.keys()].filter((k) => !used.has(k) && !builtin.has(k)).sort();
}

/**
 * The base image's ONBUILD triggers as instructions, run first in a stage
 * that builds FROM it; the triggers are consumed (the new image has none).
 */
export function takeTriggers(state: StageState): Instruction[] {
  const triggers = state.config.OnBuild ?? [];
  state.config.OnBuild = null;
  if (triggers.length === 0) return [];
  return loadDockerfile(`FROM scratch\n${triggers.join('\n')}\n`, 'ONBUILD').stages[0]!.instructions;
}

/** True for instructions that only change the image config. */
export function isMetadata(ins: Instruction): boolean {
  return !['RUN', 'COPY', 'ADD', 'WORKDIR', 'FROM'].includes(ins.kind);
}
