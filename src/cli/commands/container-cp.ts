/**
 * `docker cp` between a container and the learner's workspace, both ways,
 * with cp -a's rules for where things land (into an existing folder, or as
 * the named path) and the 20.10 CLI's messages. Copies are silent.
 */
import { parentPath, readFromContainer, statInContainer, writeIntoContainer, type CopiedNode } from '../../engine/container/copy.js';
import { DockerError } from '../../engine/errors.js';
import { basename, normalize } from '../../engine/fs/path.js';
import type { CliIO, DockerCommand } from '../types.js';
import { settle } from './container-common.js';

/** `CONTAINER:PATH` or a local path, as the CLI splits a cp argument. */
function splitArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/')) return { path: arg };
  const i = arg.indexOf(':');
  if (i < 0 || arg.startsWith('.')) return { path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

const isDirLocal = (io: CliIO, abs: string) => io.workspace.readTree(abs) !== null;

function parentLocal(abs: string): string {
  return abs.slice(0, abs.lastIndexOf('/')) || '/';
}

/** The workspace's files under a path, as copied nodes (the item itself first). */
function readLocal(io: CliIO, abs: string): CopiedNode[] | null {
  const tree = io.workspace.readTree(abs);
  if (tree) {
    const nodes: CopiedNode[] = [{ path: '', type: 'dir', mode: 0o755, mtime: 0 }];
    for (const e of tree) nodes.push({ path: e.path, type: e.type === 'symlink' ? 'symlink' : e.type === 'dir' ? 'dir' : 'file', mode: e.mode ?? 0o644, mtime: e.mtime ?? 0, data: e.data, target: e.target });
    return nodes;
  }
  const data = io.workspace.readFile(abs);
  return data ? [{ path: '', type: 'file', mode: 0o644, mtime: 0, data }] : null;
}

function copyOut(engine: Parameters<DockerCommand['run']>[0], io: CliIO, name: string, src: string, dest: string): void {
  const c = engine.findContainer(name);
  const srcPath = normalize(src || '/');
  const nodes = c ? readFromContainer(engine, c, srcPath) : null;
  if (!nodes) throw new DockerError(`Error: No such container:path: ${name}:${src}`);
  if (dest === '-') throw new DockerError('layerlab: docker cp to - writes a tar stream to stdout, which the simulator does not produce; copy to a folder instead');
  const ws = io.workspace;
  if (!ws.writeFile) throw new DockerError('layerlab: this workspace cannot be written to');
  const abs = ws.resolve(dest);
  const contents = /\/\.$/.test(src);
  const srcIsDir = nodes[0]!.type === 'dir';
  let target: string;
  if (isDirLocal(io, abs)) target = contents ? abs : `${abs === '/' ? '' : abs}/${basename(srcPath)}`;
  else if (ws.readFile(abs) !== null) {
    if (srcIsDir) throw new DockerError('cannot copy directory');
    target = abs;
  } else {
    if (dest.endsWith('/')) throw new DockerError('no such directory');
    if (!isDirLocal(io, parentLocal(abs))) throw new DockerError(`invalid output path: directory "${parentLocal(abs)}" does not exist`);
    target = abs;
  }
  if (srcIsDir && ws.readFile(target) !== null) throw new DockerError('cannot copy directory');
  for (const n of nodes) {
    const p = n.path ? `${target}/${n.path}` : target;
    // folders keep their mode (empty ones too); the Workspace has no symlinks, so links are skipped
    if (n.type === 'dir') ws.mkdir?.(p, n.mode & 0o7777);
    else if (n.type === 'file') ws.writeFile(p, n.data ?? new Uint8Array(0), n.mode & 0o7777);
  }
}

function copyIn(engine: Parameters<DockerCommand['run']>[0], io: CliIO, src: string, name: string, dest: string): void {
  const abs = io.workspace.resolve(src);
  const nodes = readLocal(io, abs);
  if (!nodes) throw new DockerError(`lstat ${abs}: no such file or directory`);
  const c = engine.findContainer(name);
  const destPath = normalize(dest || '/');
  const kind = c ? statInContainer(engine, c, destPath) : null;
  const contents = /\/\.$/.test(src);
  const srcIsDir = nodes[0]!.type === 'dir';
  let target: string;
  if (kind === 'dir') target = contents ? destPath : `${destPath === '/' ? '' : destPath}/${basename(abs)}`;
  else if (kind) {
    if (srcIsDir) throw new DockerError('cannot copy directory');
    target = destPath;
  } else {
    const parent = parentPath(destPath);
    if (!c || statInContainer(engine, c, parent) !== 'dir') throw new DockerError(`Error: No such container:path: ${name}:${parent}`);
    if (dest.endsWith('/')) throw new DockerError('no such directory');
    target = destPath;
  }
  writeIntoContainer(engine, c!, target, nodes);
}

export const cp: DockerCommand = {
  spec: {
    name: 'cp',
    usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
    description: 'Copy files/folders between a container and the local filesystem',
    aliases: ['container cp'],
    args: { exact: 2 },
    flags: [
      { name: 'archive', short: 'a', type: 'bool', help: 'Archive mode (copy all uid/gid information)' },
      { name: 'follow-link', short: 'L', type: 'bool', help: 'Always follow symbol link in SRC_PATH' },
    ],
  },
  run(engine, f, io) {
    settle(engine);
    const [a, b] = f.args.map(splitArg) as [ReturnType<typeof splitArg>, ReturnType<typeof splitArg>];
    if (a.container === undefined && b.container === undefined) throw new DockerError('must specify at least one container source');
    if (a.container !== undefined && b.container !== undefined) throw new DockerError('copying between containers is not supported');
    if (a.container !== undefined) copyOut(engine, io, a.container, a.path, b.path);
    else copyIn(engine, io, a.path, b.container!, b.path);
    return 0;
  },
};
