/** Container commands: run, create, start, stop, kill, rm, ps, diff, commit, logs. */
import { commitContainer, containerDiff, createContainer, removeContainer, startContainer, stopContainer, type CreateOptions } from '../../engine/container/lifecycle.js';
import type { ContainerRecord } from '../../engine/container/types.js';
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import { normalizeTagged } from '../../engine/image/reference.js';
import type { ImageRecord } from '../../engine/image/store.js';
import { fromUtf8 } from '../../engine/hash.js';
import type { Flags, FlagSpec } from '../flags.js';
import { goStruct } from '../format/go-value.js';
import { quote } from '../format/go-fmt.js';
import { ago, humanDuration } from '../../shared/format/units.js';
import { printFormatted } from '../output.js';
import type { CliIO, DockerCommand } from '../types.js';
import { ellipsis } from './images.js';

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

const createFlags: FlagSpec[] = [
  { name: 'detach', short: 'd', type: 'bool', help: 'Run container in background and print container ID' },
  { name: 'entrypoint', type: 'string', help: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
  { name: 'env-file', type: 'list', help: 'Read in a file of environment variables' },
  { name: 'hostname', short: 'h', type: 'string', help: 'Container host name' },
  { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
  { name: 'name', type: 'string', help: 'Assign a name to the container' },
  { name: 'rm', type: 'bool', help: 'Automatically remove the container when it exits' },
  { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
  { name: 'user', short: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container' },
  { name: 'publish', short: 'p', type: 'list', help: "Publish a container's port(s) to the host" },
  { name: 'volume', short: 'v', type: 'list', help: 'Bind mount a volume' },
  { name: 'mount', type: 'list', meta: 'mount', help: 'Attach a filesystem mount to the container' },
  { name: 'read-only', type: 'bool', help: "Mount the container's root filesystem as read only" },
  { name: 'restart', type: 'string', help: 'Restart policy to apply when a container exits', default: '"no"' },
  { name: 'memory', short: 'm', type: 'string', meta: 'bytes', help: 'Memory limit' },
  { name: 'cpus', type: 'string', meta: 'decimal', help: 'Number of CPUs' },
  { name: 'pids-limit', type: 'string', meta: 'int', help: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'network', type: 'string', meta: 'network', help: 'Connect a container to a network', default: '"default"' },
  { name: 'pull', type: 'string', help: 'Pull image before running ("always"|"missing"|"never")', default: '"missing"' },
]
  .sort((a, b) => a.name.localeCompare(b.name)) as FlagSpec[];

/** Finds the image for run/create, pulling it when missing (printing what docker prints). */
function imageForRun(engine: Engine, ref: string, io: CliIO, cmd: string): ImageRecord {
  const local = engine.store.find(ref);
  if (local) return local;
  let tagged = ref;
  try {
    tagged = normalizeTagged(ref);
  } catch {
    throw new DockerError(`docker: invalid reference format.\nSee 'docker ${cmd} --help'.`, 125);
  }
  io.stderr(`Unable to find image '${ref.includes('@') ? ref : tagged}' locally`);
  try {
    return engine.baseImage(ref, (l) => io.stderr(l));
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    const msg = e.message.startsWith('Error response from daemon: ') ? e.message : `Error response from daemon: ${e.message}`;
    throw new DockerError(`docker: ${msg}.\nSee 'docker ${cmd} --help'.`, 125);
  }
}

function createOpts(f: Flags, io: CliIO): CreateOptions {
  const env = [...f.list('env')];
  for (const file of f.list('env-file')) {
    const bytes = io.workspace.readFile(io.workspace.resolve(file));
    if (!bytes) throw new DockerError(`docker: open ${file}: no such file or directory.\nSee 'docker run --help'.`, 125);
    for (const line of fromUtf8(bytes).split(/\r?\n/)) if (line.trim() && !line.startsWith('#')) env.push(line);
  }
  return {
    name: f.string('name'),
    cmd: f.args.slice(1),
    entrypoint: f.string('entrypoint'),
    env: env.map((e) => (e.includes('=') ? e : `${e}=${io.env[e] ?? ''}`)),
    user: f.string('user'),
    workdir: f.string('workdir'),
    autoRemove: f.bool('rm'),
    hostname: f.string('hostname'),
    volumes: f.list('volume'),
    mounts: f.list('mount'),
    readOnly: f.bool('read-only'),
  };
}

/** `docker: <daemon error>.`; errors while creating add the `See 'docker run --help'.` hint. */
function daemonError(e: unknown, cmd: string, hint: boolean): never {
  if (!(e instanceof DockerError)) throw e;
  const see = hint ? `\nSee 'docker ${cmd} --help'.` : '';
  throw new DockerError(`docker: ${e.message}.${see}`, e.exitCode);
}

function writeText(text: string, line: (l: string) => void): void {
  if (!text) return;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) line(l);
}

export const run: DockerCommand = {
  spec: { name: 'run', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', description: 'Run a command in a new container', aliases: ['container run'], stopAtFirstArg: true, args: { min: 1 }, flags: createFlags },
  run(engine, f, io) {
    const img = imageForRun(engine, f.args[0]!, io, 'run');
    let c: ContainerRecord;
    try {
      c = createContainer(engine, img, f.args[0]!, createOpts(f, io));
    } catch (e) {
      daemonError(e, 'run', true);
    }
    let res;
    try {
      res = startContainer(engine, c);
    } catch (e) {
      if (c.autoRemove) removeContainer(engine, c, true);
      daemonError(e, 'run', false);
    }
    if (f.bool('detach')) {
      io.stdout(c.id);
      return 0;
    }
    writeText(res.stdout, (l) => io.stdout(l));
    writeText(res.stderr, (l) => io.stderr(l));
    if (c.autoRemove && c.state.status !== 'running') removeContainer(engine, c, true, true);
    return res.exitCode;
  },
};

export const create: DockerCommand = {
  spec: { name: 'create', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', description: 'Create a new container', aliases: ['container create'], stopAtFirstArg: true, args: { min: 1 }, flags: createFlags.filter((x) => x.name !== 'detach') },
  run(engine, f, io) {
    const img = imageForRun(engine, f.args[0]!, io, 'create');
    try {
      io.stdout(createContainer(engine, img, f.args[0]!, createOpts(f, io)).id);
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      throw new DockerError(e.message, 1);
    }
    return 0;
  },
};

/** Runs `fn` for each named container; prints errors per name as docker does; exit 1 if any failed. */
function eachContainer(engine: Engine, io: CliIO, names: string[], fn: (c: ContainerRecord, name: string) => void, missing = (n: string) => `Error response from daemon: No such container: ${n}`): number {
  let code = 0;
  for (const n of names) {
    const c = engine.findContainer(n);
    if (!c) {
      io.stderr(missing(n));
      code = 1;
      continue;
    }
    try {
      fn(c, n);
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      io.stderr(e.message);
      code = 1;
    }
  }
  return code;
}

export const start: DockerCommand = {
  spec: { name: 'start', usage: '[OPTIONS] CONTAINER [CONTAINER...]', description: 'Start one or more stopped containers', aliases: ['container start'], args: { min: 1 }, flags: [{ name: 'attach', short: 'a', type: 'bool', help: 'Attach STDOUT/STDERR and forward signals' }, { name: 'interactive', short: 'i', type: 'bool', help: "Attach container's STDIN" }] },
  run(engine, f, io) {
    let exit = 0;
    const code = eachContainer(engine, io, f.args, (c, n) => {
      const res = startContainer(engine, c);
      if (f.bool('attach')) {
        writeText(res.stdout, (l) => io.stdout(l));
        writeText(res.stderr, (l) => io.stderr(l));
        exit = res.exitCode;
      } else io.stdout(n);
    });
    return code || exit;
  },
};

export const stop: DockerCommand = {
  spec: { name: 'stop', usage: '[OPTIONS] CONTAINER [CONTAINER...]', description: 'Stop one or more running containers', aliases: ['container stop'], args: { min: 1 }, flags: [{ name: 'time', short: 't', type: 'int', help: 'Seconds to wait for stop before killing it', default: '10' }] },
  run(engine, f, io) {
    return eachContainer(engine, io, f.args, (c, n) => {
      stopContainer(engine, c);
      io.stdout(n);
    });
  },
};

export const kill: DockerCommand = {
  spec: { name: 'kill', usage: '[OPTIONS] CONTAINER [CONTAINER...]', description: 'Kill one or more running containers', aliases: ['container kill'], args: { min: 1 }, flags: [{ name: 'signal', short: 's', type: 'string', help: 'Signal to send to the container', default: '"KILL"' }] },
  run(engine, f, io) {
    return eachContainer(engine, io, f.args, (c, n) => {
      if (c.state.status !== 'running') throw new DockerError(`Error response from daemon: Cannot kill container: ${n}: Container ${c.id} is not running`);
      stopContainer(engine, c, true);
      io.stdout(n);
    });
  },
};

export const rm: DockerCommand = {
  spec: { name: 'rm', usage: '[OPTIONS] CONTAINER [CONTAINER...]', description: 'Remove one or more containers', aliases: ['container rm', 'container remove'], args: { min: 1 }, flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Force the removal of a running container (uses SIGKILL)' }, { name: 'link', short: 'l', type: 'bool', help: 'Remove the specified link' }, { name: 'volumes', short: 'v', type: 'bool', help: 'Remove anonymous volumes associated with the container' }] },
  run(engine, f, io) {
    return eachContainer(
      engine,
      io,
      f.args,
      (c, n) => {
        removeContainer(engine, c, f.bool('force'), f.bool('volumes'));
        io.stdout(n);
      },
      (n) => `Error: No such container: ${n}`,
    );
  },
};

/** The STATUS column: `Created`, `Up 3 seconds`, `Exited (0) 2 minutes ago`. */
export function statusText(c: ContainerRecord, now: number): string {
  const st = c.state;
  if (st.status === 'running' || st.status === 'paused') return `Up ${humanDuration(now - (st.startedAt ?? now))}${st.status === 'paused' ? ' (Paused)' : ''}`;
  if (st.status === 'exited') return `Exited (${st.exitCode}) ${ago(st.finishedAt ?? now, now)}`;
  if (st.status === 'created') return 'Created';
  if (st.status === 'restarting') return `Restarting (${st.exitCode}) ${ago(st.finishedAt ?? now, now)}`;
  if (st.status === 'removing') return 'Removal In Progress';
  return 'Dead';
}

/** The COMMAND column text: args with spaces in single quotes, as the daemon lists it. */
export function commandText(c: ContainerRecord): string {
  const args = c.args.map((a) => (a.includes(' ') ? `'${a}'` : a));
  return args.length ? `${c.path} ${args.join(' ')}` : c.path;
}

export const ps: DockerCommand = {
  spec: {
    name: 'ps',
    usage: '[OPTIONS]',
    description: 'List containers',
    aliases: ['container ls', 'container list'],
    args: { max: 0 },
    flags: [
      { name: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
      { name: 'filter', short: 'f', type: 'list', meta: 'filter', help: 'Filter output based on conditions provided' },
      { name: 'format', type: 'string', help: 'Pretty-print containers using a Go template' },
      { name: 'last', short: 'n', type: 'int', help: 'Show n last created containers (includes all states)', default: '-1' },
      { name: 'latest', short: 'l', type: 'bool', help: 'Show the latest created container (includes all states)' },
      { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', help: 'Only display container IDs' },
      { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
    ],
  },
  run(engine, f, io) {
    const now = engine.now();
    let list = [...engine.containers.values()].sort((a, b) => b.created - a.created);
    const last = f.bool('latest') ? 1 : (f.int('last') ?? -1);
    const all = f.bool('all') || last > 0;
    for (const flt of f.list('filter')) {
      const i = flt.indexOf('=');
      const [k, v] = i < 0 ? [flt, ''] : [flt.slice(0, i), flt.slice(i + 1)];
      if (k === 'name') list = list.filter((c) => new RegExp(v).test(c.name));
      else if (k === 'id') list = list.filter((c) => c.id.startsWith(v));
      else if (k === 'status') list = list.filter((c) => c.state.status === v);
      else if (k === 'exited') list = list.filter((c) => c.state.status === 'exited' && String(c.state.exitCode) === v);
      else if (k === 'ancestor') list = list.filter((c) => c.imageRef === v || c.imageId === engine.store.find(v)?.id);
      else if (k === 'label') list = list.filter((c) => { const [lk, lv] = v.split('='); const l = c.config.Labels ?? {}; return lk! in l && (lv === undefined || l[lk!] === lv); });
      else throw new DockerError(`Error response from daemon: invalid filter '${k}'`);
    }
    if (!all) list = list.filter((c) => c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting');
    if (last > 0) list = list.slice(0, last);
    const noTrunc = f.bool('no-trunc');
    if (f.bool('quiet')) {
      for (const c of list) io.stdout(noTrunc ? c.id : short(c.id));
      return 0;
    }
    const rows = list.map((c) =>
      goStruct('*formatter.ContainerContext', {
        ID: noTrunc ? c.id : short(c.id),
        Image: c.imageRef,
        Command: quote(noTrunc ? commandText(c) : ellipsis(commandText(c), 20)),
        CreatedAt: new Date(c.created * 1000).toISOString(),
        RunningFor: ago(c.created, now),
        Ports: '',
        State: c.state.status,
        Status: statusText(c, now),
        Size: '0B',
        Names: c.name,
        Labels: Object.entries(c.config.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
        Mounts: c.mounts.map((m) => m.name ?? m.source).join(','),
        Networks: 'bridge',
      }),
    );
    const headers = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', Networks: 'NETWORKS' };
    printFormatted(io, f.string('format') ?? 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}', rows, headers);
    return 0;
  },
};

export const diff: DockerCommand = {
  spec: { name: 'diff', usage: 'CONTAINER', description: "Inspect changes to files or directories on a container's filesystem", aliases: ['container diff'], args: { exact: 1 }, flags: [] },
  run(engine, f, io) {
    const c = engine.findContainer(f.args[0]!);
    if (!c) throw new DockerError(`Error: No such container: ${f.args[0]}`);
    for (const l of containerDiff(c, engine)) io.stdout(l);
    return 0;
  },
};

export const commit: DockerCommand = {
  spec: { name: 'commit', usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]', description: "Create a new image from a container's changes", aliases: ['container commit'], args: { min: 1, max: 2 }, flags: [{ name: 'author', short: 'a', type: 'string', help: 'Author' }, { name: 'message', short: 'm', type: 'string', help: 'Commit message' }, { name: 'pause', short: 'p', type: 'bool', help: 'Pause container during commit', default: 'true' }] },
  run(engine, f, io) {
    const c = engine.findContainer(f.args[0]!);
    if (!c) throw new DockerError(`Error response from daemon: No such container: ${f.args[0]}`);
    io.stdout(commitContainer(engine, c, f.args[1]).id);
    return 0;
  },
};

export const logs: DockerCommand = {
  spec: { name: 'logs', usage: '[OPTIONS] CONTAINER', description: 'Fetch the logs of a container', aliases: ['container logs'], args: { exact: 1 }, flags: [{ name: 'follow', short: 'f', type: 'bool', help: 'Follow log output' }, { name: 'tail', short: 'n', type: 'string', help: 'Number of lines to show from the end of the logs', default: '"all"' }, { name: 'timestamps', short: 't', type: 'bool', help: 'Show timestamps' }] },
  run(engine, f, io) {
    const c = engine.findContainer(f.args[0]!);
    if (!c) throw new DockerError(`Error: No such container: ${f.args[0]}`);
    const lines: { stream: 'stdout' | 'stderr'; text: string }[] = [];
    for (const entry of c.logs) writeText(entry.text, (l) => lines.push({ stream: entry.stream, text: l }));
    const tail = f.string('tail');
    const shown = tail && tail !== 'all' ? lines.slice(Math.max(0, lines.length - Number(tail))) : lines;
    for (const l of shown) (l.stream === 'stdout' ? io.stdout : io.stderr)(l.text);
    return 0;
  },
};
