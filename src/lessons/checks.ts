/**
 * Goal checks: each tests the world (images, builds, containers, files, registries), never
 * the text typed, and explains a failure in a sentence a learner understands. Pure: the
 * state comes in a CheckContext, so the app, the headless replays and a real engine behind
 * the companion server all check the same way.
 */
import { lintDockerfile } from '../engine/lint.js';
import { familiarName, normalizeTagged, parseReference } from '../engine/image/reference.js';
import type { BuildRecord, TransferRecord } from '../shared/event-fold.js';
import type { BuildStepEvent, MissReason } from '../shared/events.js';
import { missReasonText } from '../shared/format/miss-reason.js';
import { humanSize } from '../shared/format/units.js';
import type { ImageView, LayerEntryView, PathInfo, PathPlace, WorldView } from '../shared/world.js';
import type { Check } from './schema.js';

/** What checks read. Builds and transfers are those since the lesson (re)started, oldest first. */
export interface CheckContext {
  world: WorldView;
  builds: readonly BuildRecord[];
  transfers: readonly TransferRecord[];
  pathInfo(where: PathPlace, path: string): PathInfo | null;
  layerEntries(diffId: string): LayerEntryView[] | undefined;
  /** A workspace file's text (path relative to the workspace root), or null. */
  readFile(path: string): string | null;
}

export interface CheckResult {
  ok: boolean;
  /** What passed, or what is missing, in plain words. */
  message: string;
}

const pass = (message: string): CheckResult => ({ ok: true, message });
const fail = (message: string): CheckResult => ({ ok: false, message });

/** The `repo:tag` key a typed reference names, or undefined when it is not a valid reference. */
function tagKey(ref: string): string | undefined {
  try {
    return normalizeTagged(ref);
  } catch {
    return undefined;
  }
}

/** The image a reference (tag, repo@digest or ID prefix) names. */
export function findImage(world: WorldView, ref: string): ImageView | undefined {
  if (ref.includes('@')) {
    try {
      const r = parseReference(ref);
      const want = `${familiarName(r)}@${r.digest}`;
      return world.images.find((i) => i.digests.includes(want));
    } catch {
      return undefined;
    }
  }
  const key = tagKey(ref);
  const byTag = key ? world.images.find((i) => i.tags.includes(key)) : undefined;
  if (byTag) return byTag;
  if (/^(sha256:)?[0-9a-f]{6,64}$/.test(ref)) {
    const hex = ref.replace(/^sha256:/, '');
    return world.images.find((i) => i.id.slice(7).startsWith(hex));
  }
  return undefined;
}

/** The last build that tagged `image` (or the last build at all). */
function lastBuild(ctx: CheckContext, image: string | undefined): BuildRecord | undefined {
  const want = image === undefined ? undefined : tagKey(image);
  for (let i = ctx.builds.length - 1; i >= 0; i--) {
    const b = ctx.builds[i]!;
    if (want === undefined || b.start.tags.some((t) => tagKey(t) === want)) return b;
  }
  return undefined;
}

/** The build step whose instruction contains `match` (case-insensitive); the last such step wins (the final stage). */
function findStep(b: BuildRecord, match: string): BuildStepEvent | undefined {
  const m = match.toLowerCase();
  const hits = b.steps.filter((s) => s.instruction.toLowerCase().includes(m));
  return hits[hits.length - 1];
}

/** Paths whose presence in a final image means build tools came along. */
const BUILD_TOOLS = ['/usr/bin/gcc', '/usr/bin/cc', '/usr/bin/g++', '/usr/bin/make', '/usr/local/go/bin/go', '/usr/bin/go', '/usr/bin/javac', '/usr/bin/mvn', '/usr/share/maven/bin/mvn', '/usr/bin/rustc', '/root/.cargo/bin/cargo'];

const fileName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** Evaluates one check against the world. Never throws: a check that cannot be evaluated fails with the reason. */
export function evaluateCheck(check: Check, ctx: CheckContext): CheckResult {
  try {
    return evaluate(check, ctx);
  } catch (e) {
    return fail(`This check could not be evaluated: ${(e as Error).message}`);
  }
}

function evaluate(check: Check, ctx: CheckContext): CheckResult {
  const { world } = ctx;
  switch (check.check) {
    case 'image-exists': {
      const img = findImage(world, check.image);
      if (check.exists) return img ? pass(`The image ${check.image} exists.`) : fail(`There is no image called ${check.image} yet.`);
      return img ? fail(`The image ${check.image} still exists.`) : pass(`The image ${check.image} is gone.`);
    }
    case 'image-size': {
      const img = findImage(world, check.image);
      if (!img) return fail(`There is no image called ${check.image} yet.`);
      const mb = img.size / 1e6;
      return mb <= check.maxMB ? pass(`${check.image} is ${humanSize(img.size)}, within ${check.maxMB} MB.`) : fail(`${check.image} is ${humanSize(img.size)}; it must be at most ${check.maxMB} MB.`);
    }
    case 'image-layers': {
      const img = findImage(world, check.image);
      if (!img) return fail(`There is no image called ${check.image} yet.`);
      const n = img.layers.filter((l) => !l.empty).length;
      return n <= check.max ? pass(`${check.image} has ${n} layers (at most ${check.max}).`) : fail(`${check.image} has ${n} layers; it must have at most ${check.max}. Combine steps that change files.`);
    }
    case 'build-cached':
    case 'build-missed': {
      const b = lastBuild(ctx, check.image);
      const what = check.image ? `a build of ${check.image}` : 'a build';
      if (!b) return fail(`Run ${what} first.`);
      if (b.error) return fail(`The last build failed: ${b.error.message}`);
      const step = findStep(b, check.step);
      if (!step) return fail(`The last build has no step with "${check.step}" in it.`);
      if (check.check === 'build-cached') {
        return step.cached ? pass(`"${step.instruction}" came from the cache.`) : fail(`"${step.instruction}" ran again instead of coming from the cache: ${missReasonText(step.missReason)}.`);
      }
      if (step.cached) return fail(`"${step.instruction}" came from the cache; it was expected to run.`);
      const reason: MissReason = step.missReason ?? { kind: 'new' };
      if (check.reason && reason.kind !== check.reason) return fail(`"${step.instruction}" ran, but because ${missReasonText(step.missReason)}.`);
      if (check.file) {
        const files = reason.kind === 'files-changed' ? reason.files : [];
        if (!files.some((f) => f === check.file || fileName(f) === fileName(check.file!))) return fail(`"${step.instruction}" ran, but not because ${check.file} changed (${missReasonText(step.missReason)}).`);
      }
      return pass(`"${step.instruction}" ran: ${missReasonText(step.missReason)}.`);
    }
    case 'user-not-root': {
      const img = findImage(world, check.image);
      if (!img) return fail(`There is no image called ${check.image} yet.`);
      const user = img.config.user.split(':')[0] ?? '';
      if (user === '' || user === 'root' || user === '0') return fail(`${check.image} runs as root${user ? ` (USER ${img.config.user})` : ' (no USER is set)'}: add a user and switch to it with USER before the entrypoint.`);
      return pass(`${check.image} runs as ${img.config.user}.`);
    }
    case 'base-pinned': {
      const b = lastBuild(ctx, check.image);
      if (!b) return fail(`Build ${check.image} first.`);
      const froms = b.steps.filter((s) => s.cached === null && /^FROM\s/i.test(s.instruction));
      const last = froms[froms.length - 1];
      if (!last) return fail(`The last build of ${check.image} has no FROM.`);
      const base = last.instruction.replace(/^FROM\s+(--platform=\S+\s+)?/i, '').split(/\s+/)[0] ?? '';
      if (check.by === 'digest') return /@sha256:[0-9a-f]{64}$/.test(base) ? pass(`The base ${base} is pinned by digest.`) : fail(`The base ${base} is not pinned by digest: use FROM name@sha256:...`);
      let tag: string | undefined;
      try {
        const r = parseReference(base);
        tag = r.digest ? 'digest' : r.tag;
      } catch {
        tag = undefined;
      }
      return tag && tag !== 'latest' ? pass(`The base ${base} names a fixed version.`) : fail(`The base ${base} is not pinned: name a version tag (not latest), e.g. python:3.12-slim.`);
    }
    case 'multi-stage': {
      const img = findImage(world, check.image);
      if (!img) return fail(`There is no image called ${check.image} yet.`);
      const b = lastBuild(ctx, check.image);
      const stages = b ? new Set(b.steps.map((s) => s.stageIndex)).size : 0;
      if (stages < 2) return fail(`${check.image} was not built in several stages: add a build stage (FROM ... AS build) and COPY --from it.`);
      if (check.noBuildTools) {
        const found = BUILD_TOOLS.filter((p) => ctx.pathInfo({ image: img.id }, p));
        if (found.length) return fail(`${check.image}'s final image still holds build tools (${found.join(', ')}): copy only the result from the build stage.`);
      }
      return pass(`${check.image} is built in ${stages} stages and its final image holds no build tools.`);
    }
    case 'container-state': {
      const matches = world.containers.filter((c) => (check.container ? c.name === check.container || c.id.startsWith(check.container) : true) && (check.image ? sameImage(world, c.image, c.imageId, check.image) : true));
      const who = check.container ? `The container ${check.container}` : check.image ? `A container from ${check.image}` : 'A container';
      if (check.state === 'removed') return matches.length === 0 ? pass(`${who} is removed.`) : fail(`${who} still exists (${matches[0]!.status}); remove it with docker rm.`);
      const inState = matches.filter((c) => c.status === check.state && (check.exitCode === undefined || c.exitCode === check.exitCode));
      if (check.exitCode !== undefined && inState.length === 0 && matches.some((c) => c.status === check.state)) {
        const c = matches.find((x) => x.status === check.state)!;
        return fail(`${who} is ${check.state}, but with exit code ${c.exitCode}, not ${check.exitCode}.`);
      }
      const need = check.count ?? 1;
      const code = check.exitCode !== undefined ? ` (exit code ${check.exitCode})` : '';
      if (inState.length >= need) return pass(need > 1 ? `${inState.length} containers from ${check.image ?? 'the image'} are ${check.state}${code}.` : `${who} is ${check.state}${code}.`);
      if (matches.length === 0) return fail(`${who} does not exist yet.`);
      if (need > 1) return fail(`${inState.length} of the ${need} containers needed are ${check.state}.`);
      return fail(`${who} is ${matches[0]!.status}, not ${check.state}.`);
    }
    case 'file-exists': {
      const where: PathPlace = check.in === 'container' ? { container: check.name } : check.in === 'image' ? { image: findImage(world, check.name)?.id ?? check.name } : { volume: check.name };
      const placeExists = check.in === 'container' ? world.containers.some((c) => c.name === check.name || c.id.startsWith(check.name)) : check.in === 'image' ? !!findImage(world, check.name) : world.volumes.some((v) => v.name === check.name);
      const place = `the ${check.in} ${check.name}`;
      if (!placeExists) return check.exists ? fail(`There is no ${check.in} called ${check.name}.`) : pass(`There is no ${check.in} called ${check.name}, so no ${check.path} either.`);
      const info = ctx.pathInfo(where, check.path);
      if (check.exists) return info ? pass(`${check.path} is in ${place}.`) : fail(`${check.path} is not in ${place}.`);
      return info ? fail(`${check.path} is still in ${place}.`) : pass(`${check.path} is not in ${place}.`);
    }
    case 'push-reused': {
      const pushes = ctx.transfers.filter((t) => t.kind === 'push' && t.done && (!check.repository || (t.done.type === 'push.done' && repoMatches(t.done.repository, check.repository))));
      const t = pushes[pushes.length - 1];
      if (!t) return fail(check.repository ? `Push to ${check.repository} first.` : 'Push an image first.');
      const reused = t.layers.filter((l) => l.status !== 'Pushed').length;
      const uploaded = t.layers.length - reused;
      if (reused < check.min) return fail(`The last push reused ${reused} layer${reused === 1 ? '' : 's'} and uploaded ${uploaded}; at least ${check.min} should have been already there.`);
      if (check.maxUploaded !== undefined && uploaded > check.maxUploaded) return fail(`The last push uploaded ${uploaded} layers; at most ${check.maxUploaded} should have changed.`);
      return pass(`The last push reused ${reused} layer${reused === 1 ? '' : 's'} and uploaded ${uploaded}.`);
    }
    case 'tag-digest': {
      let r;
      try {
        r = parseReference(check.ref);
      } catch {
        return fail(`${check.ref} is not a valid reference.`);
      }
      const reg = world.registries.find((x) => x.host === r.domain);
      const repo = reg?.repositories.find((x) => x.name === r.path || `library/${x.name}` === r.path);
      const digest = repo?.tags[r.tag ?? 'latest'];
      if (!digest) return fail(`${check.ref} is not in the registry yet: push it.`);
      if (check.moved) {
        const pinned = world.containers.map((c) => c.image).filter((ref) => ref.includes('@sha256:') && ref.startsWith(`${familiarName(r)}@`));
        if (pinned.length === 0) return fail(`Run a container from ${familiarName(r)}@sha256:... (the digest) first.`);
        const moved = pinned.some((ref) => !ref.endsWith(digest));
        return moved ? pass(`${check.ref} now points to ${digest.slice(0, 19)}…, while your pinned container still uses the old digest.`) : fail(`${check.ref} still points to the digest you pinned; push a new image under the same tag.`);
      }
      return pass(`${check.ref} points to ${digest.slice(0, 19)}….`);
    }
    case 'pinned-run': {
      let name: string;
      try {
        name = familiarName(parseReference(check.repository));
      } catch {
        return fail(`${check.repository} is not a valid repository name.`);
      }
      const c = world.containers.find((x) => x.image.startsWith(`${name}@sha256:`));
      return c ? pass(`${c.name} runs ${c.image.slice(0, name.length + 20)}…, pinned by digest.`) : fail(`Run a container from ${name}@sha256:... (its digest) instead of a tag.`);
    }
    case 'lint-clean': {
      const text = ctx.readFile(check.file);
      if (text === null) return fail(`There is no file ${check.file}.`);
      const found = lintDockerfile(text).filter((f) => check.rules.includes(f.rule));
      return found.length === 0 ? pass(`${check.file} has no ${check.rules.join(', ')} findings.`) : fail(found.map((f) => `${f.rule} line ${f.line}: ${f.message}`).join(' '));
    }
    case 'file-contains': {
      const text = ctx.readFile(check.file);
      if (text === null) return fail(`There is no file ${check.file}.`);
      return text.includes(check.text) ? pass(`${check.file} has the change.`) : fail(`${check.file} does not contain "${check.text}" yet.`);
    }
  }
}

function sameImage(world: WorldView, ref: string, imageId: string, want: string): boolean {
  const img = findImage(world, want);
  if (img) return img.id === imageId;
  return tagKey(ref) === tagKey(want);
}

function repoMatches(pushed: string, want: string): boolean {
  try {
    return familiarName(parseReference(pushed)) === familiarName(parseReference(want));
  } catch {
    return pushed === want;
  }
}
