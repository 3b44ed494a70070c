/**
 * Tab completion for the console: docker subcommands and flags, image,
 * container and volume names, workspace paths and the console's own commands.
 * Pure: reads the engine and the workspace, changes nothing.
 */
import { COMMANDS } from '../cli/docker.js';
import type { MemoryWorkspace } from '../cli/memory-workspace.js';
import type { DockerCommand } from '../cli/types.js';
import type { Engine } from '../engine/engine.js';
import { children, WORKSPACE_COMMANDS } from './commands.js';

/** What completion reads. */
export interface CompletionContext {
  engine: Engine;
  ws: MemoryWorkspace;
}

type ArgKind = 'image' | 'container' | 'volume' | 'path' | 'none';

/** What the positional arguments of a docker command name (the first one, then the rest). */
function argKinds(name: string): [ArgKind, ArgKind] {
  const base = name.replace(/^(container|image|volume|builder|system) /, '');
  if (name.startsWith('volume ')) return ['volume', 'volume'];
  if (['run', 'create'].includes(base)) return ['image', 'none'];
  if (['rmi', 'history', 'push', 'pull', 'image inspect', 'image rm', 'save'].includes(name) || name === 'image history' || name === 'image push' || name === 'image pull') return ['image', 'image'];
  if (base === 'tag') return ['image', 'none'];
  if (name === 'build' || name === 'image build' || name === 'builder build') return ['path', 'none'];
  if (name === 'inspect') return ['container', 'container'];
  if (name === 'commit') return ['container', 'none'];
  if (['ps', 'images', 'image ls', 'system df', 'builder prune', 'image prune', 'container prune', 'login', 'logout', 'container ls'].includes(name)) return ['none', 'none'];
  if (base === 'cp') return ['container', 'path'];
  if (base === 'rename') return ['container', 'none'];
  if (base === 'exec') return ['container', 'none'];
  return ['container', 'container'];
}

/** Names of local images: each repository and each repo:tag. */
export function imageNames(engine: Engine): string[] {
  const out = new Set<string>();
  for (const t of engine.store.tags.keys()) {
    const colon = t.lastIndexOf(':');
    const repo = colon > t.lastIndexOf('/') ? t.slice(0, colon) : t;
    out.add(repo);
    out.add(t);
  }
  return [...out].sort();
}

/** Candidates for the word that ends at `cursor`: whole words that replace it; folders end with `/`. */
export function completeLine(line: string, cursor: number, ctx: CompletionContext): string[] {
  const before = line.slice(0, cursor);
  // only the last command of a `a && b` or `a; b` sequence matters
  const seg = before.split(/&&|\|\||;/).pop()!;
  const words = seg.trimStart().split(/\s+/);
  const partial = words.pop() ?? '';
  const done = words.filter((w) => w !== '');
  while (done.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(done[0]!)) done.shift();
  const starts = (c: string) => c.startsWith(partial);
  if (done.length === 0) {
    return uniq(['docker', ...WORKSPACE_COMMANDS.map((c) => c.name)].filter(starts)).sort();
  }
  const [cmd, ...args] = done as [string, ...string[]];
  if (cmd === 'docker') return completeDocker(args, partial, ctx).filter(starts);
  if (cmd === 'cd') return paths(ctx.ws, partial, true);
  if (['ls', 'cat', 'rm', 'touch', 'mkdir', 'edit', 'echo'].includes(cmd)) return paths(ctx.ws, partial, false);
  return [];
}

function completeDocker(args: string[], partial: string, ctx: CompletionContext): string[] {
  let cmd: DockerCommand | undefined;
  let rest = args;
  if (args.length >= 2 && COMMANDS.has(`${args[0]} ${args[1]}`)) {
    cmd = COMMANDS.get(`${args[0]} ${args[1]}`);
    rest = args.slice(2);
  } else if (args.length >= 1 && COMMANDS.has(args[0]!)) {
    cmd = COMMANDS.get(args[0]!);
    rest = args.slice(1);
  }
  if (!cmd) {
    if (args.length === 0) return uniq([...COMMANDS.keys()].map((k) => k.split(' ')[0]!)).sort();
    if (args.length === 1) {
      const group = args[0]!;
      return uniq([...COMMANDS.keys()].filter((k) => k.startsWith(group + ' ')).map((k) => k.split(' ')[1]!)).sort();
    }
    return [];
  }
  const spec = cmd.spec;
  if (partial.startsWith('-')) {
    const flags: string[] = [];
    for (const f of spec.flags) {
      if (f.hidden) continue;
      flags.push(`--${f.name}`);
      if (f.short) flags.push(`-${f.short}`);
    }
    return uniq(flags).sort();
  }
  // the previous word is a flag waiting for its value
  const prev = rest[rest.length - 1];
  const prevFlag = prev && !prev.includes('=') ? findFlag(cmd, prev) : undefined;
  if (prevFlag && prevFlag.type !== 'bool') {
    if (prevFlag.name === 'volume' || prevFlag.name === 'mount') return ctx.engine.volumes.size ? [...ctx.engine.volumes.keys()].sort() : [];
    if (prevFlag.name === 'file' || prevFlag.name === 'env-file') return paths(ctx.ws, partial, false);
    return [];
  }
  const positionals = countPositionals(cmd, rest);
  if (spec.stopAtFirstArg && positionals >= 1) return [];
  const [first, others] = argKinds(spec.name);
  const kind = positionals === 0 ? first : others;
  switch (kind) {
    case 'image':
      return imageNames(ctx.engine);
    case 'container':
      return [...ctx.engine.containers.values()].map((c) => c.name.replace(/^\//, '')).sort();
    case 'volume':
      return [...ctx.engine.volumes.keys()].sort();
    case 'path':
      return paths(ctx.ws, partial, false);
    default:
      return [];
  }
}

function findFlag(cmd: DockerCommand, word: string) {
  if (word.startsWith('--')) return cmd.spec.flags.find((f) => f.name === word.slice(2));
  if (/^-[A-Za-z]+$/.test(word)) return cmd.spec.flags.find((f) => f.short === word[word.length - 1]);
  return undefined;
}

function countPositionals(cmd: DockerCommand, words: string[]): number {
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('-') && w !== '-') {
      const f = w.includes('=') ? undefined : findFlag(cmd, w);
      if (f && f.type !== 'bool' && (w.startsWith('--') || w.length === 2 || w === `-${f.short}`)) i++;
    } else n++;
  }
  return n;
}

/** Workspace paths starting with `partial` (relative to the current folder); folders end with `/`. */
export function paths(ws: MemoryWorkspace, partial: string, dirsOnly: boolean): string[] {
  const slash = partial.lastIndexOf('/');
  const dirPart = slash >= 0 ? partial.slice(0, slash + 1) : '';
  const namePart = partial.slice(slash + 1);
  const dir = ws.resolve(dirPart || '.');
  if (ws.nodes.get(dir)?.type !== 'dir') return [];
  const out: string[] = [];
  for (const name of children(ws, dir)) {
    if (!name.startsWith(namePart)) continue;
    if (name.startsWith('.') && !namePart.startsWith('.')) continue;
    const isDir = ws.nodes.get(dir === '/' ? `/${name}` : `${dir}/${name}`)?.type === 'dir';
    if (dirsOnly && !isDir) continue;
    out.push(dirPart + name + (isDir ? '/' : ''));
  }
  return out;
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}
