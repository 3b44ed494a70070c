/** `docker build`: reads the context from the workspace and runs the chosen builder. */
import { BuildContext } from '../../engine/build/context.js';
import { DockerError } from '../../engine/errors.js';
import { fromUtf8 } from '../../engine/hash.js';
import type { DockerCommand } from '../types.js';

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Which builder the CLI uses: BuildKit unless DOCKER_BUILDKIT=0 (or false). */
export function builderFromEnv(env: Record<string, string>): 'classic' | 'buildkit' {
  const v = (env.DOCKER_BUILDKIT ?? '').toLowerCase();
  return v === '0' || v === 'false' ? 'classic' : 'buildkit';
}

export const build: DockerCommand = {
  spec: {
    name: 'build',
    usage: '[OPTIONS] PATH | URL | -',
    description: 'Build an image from a Dockerfile',
    aliases: ['image build', 'builder build'],
    args: { exact: 1 },
    flags: [
      { name: 'build-arg', type: 'list', help: 'Set build-time variables' },
      { name: 'file', short: 'f', type: 'string', help: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
      { name: 'label', type: 'list', help: 'Set metadata for an image' },
      { name: 'network', type: 'string', help: 'Set the networking mode for the RUN instructions during build', default: '"default"' },
      { name: 'no-cache', type: 'bool', help: 'Do not use cache when building the image' },
      { name: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable' },
      { name: 'progress', type: 'string', help: 'Set type of progress output (auto, plain, tty). Use plain to show container output', default: '"auto"' },
      { name: 'pull', type: 'bool', help: 'Always attempt to pull a newer version of the image' },
      { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress the build output and print image ID on success' },
      { name: 'rm', type: 'bool', help: 'Remove intermediate containers after a successful build', default: 'true' },
      { name: 'tag', short: 't', type: 'list', help: "Name and optionally a tag in the 'name:tag' format" },
      { name: 'target', type: 'string', help: 'Set the target build stage to build.' },
    ],
  },
  run(engine, f, io) {
    const builder = builderFromEnv(io.env);
    const ctxArg = f.args[0]!;
    if (ctxArg === '-') throw new DockerError('reading a build context from stdin is not available in the simulator: put the files in a folder and build that folder', 1);
    if (/^(https?|git):\/\//.test(ctxArg) || ctxArg.startsWith('git@')) throw new DockerError(`unable to prepare context: remote build contexts (${ctxArg}) are not available in the simulator`, 1);
    const ws = io.workspace;
    const ctxPath = ws.resolve(ctxArg);
    const tree = ws.readTree(ctxPath);
    if (!tree) throw new DockerError(`unable to prepare context: path "${ctxArg}" not found`, 1);
    const fileArg = f.string('file');
    const dfPath = fileArg ? ws.resolve(fileArg) : `${ctxPath}/Dockerfile`;
    const dfBytes = ws.readFile(dfPath);
    if (!dfBytes) {
      if (builder === 'classic') throw new DockerError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfPath}: no such file or directory`, 1);
      throw new DockerError(`failed to solve with frontend dockerfile.v0: failed to read dockerfile: open ${basename(dfPath)}: no such file or directory`, 1);
    }
    const buildArgs = new Map<string, string>();
    for (const a of f.list('build-arg')) {
      const i = a.indexOf('=');
      if (i >= 0) buildArgs.set(a.slice(0, i), a.slice(i + 1));
      else if (io.env[a] !== undefined) buildArgs.set(a, io.env[a]!);
    }
    const labels = new Map<string, string>();
    for (const l of f.list('label')) {
      const i = l.indexOf('=');
      labels.set(i >= 0 ? l.slice(0, i) : l, i >= 0 ? l.slice(i + 1) : '');
    }
    const quiet = f.bool('quiet');
    const res = engine.build(
      {
        context: BuildContext.from(tree),
        contextId: ctxPath,
        dockerfile: fromUtf8(dfBytes),
        dockerfileName: basename(dfPath),
        tags: f.list('tag'),
        buildArgs,
        noCache: f.bool('no-cache'),
        target: f.string('target'),
        labels,
        builder,
        signal: io.signal,
      },
      quiet ? { stdout: () => {}, stderr: (l) => io.stderr(l) } : { stdout: (l) => io.stdout(l), stderr: (l) => io.stderr(l) },
    );
    if (quiet && res.imageId) io.stdout(res.imageId);
    return res.exitCode;
  },
};
