/** Creating and starting containers: run, create, start. */
import { parsePublish, parseRestartPolicy, restartsAtAll } from '../../engine/container/host-config.js';
import { createContainer, removeContainer, startContainer, type CreateOptions } from '../../engine/container/lifecycle.js';
import type { ContainerRecord } from '../../engine/container/types.js';
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import { fromUtf8 } from '../../engine/hash.js';
import { normalizeTagged } from '../../engine/image/reference.js';
import type { ImageRecord } from '../../engine/image/store.js';
import { parseSize, SizeParseError } from '../../shared/format/units.js';
import { flagError, type CommandSpec, type Flags, type FlagSpec } from '../flags.js';
import type { CliIO, DockerCommand } from '../types.js';
import { cliError, settle, writeText } from './container-common.js';

const createFlags: FlagSpec[] = (
  [
    { name: 'detach', short: 'd', type: 'bool', help: 'Run container in background and print container ID' },
    { name: 'entrypoint', type: 'string', help: 'Overwrite the default ENTRYPOINT of the image' },
    { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
    { name: 'env-file', type: 'list', help: 'Read in a file of environment variables' },
    { name: 'expose', type: 'list', help: 'Expose a port or a range of ports' },
    { name: 'hostname', short: 'h', type: 'string', help: 'Container host name' },
    { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
    { name: 'label', short: 'l', type: 'list', help: 'Set meta data on a container' },
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
    { name: 'pids-limit', type: 'int', meta: 'int', help: 'Tune container pids limit (set -1 for unlimited)' },
    { name: 'network', type: 'string', meta: 'network', help: 'Connect a container to a network', default: '"default"' },
    { name: 'pull', type: 'string', help: 'Pull image before running ("always"|"missing"|"never")', default: '"missing"' },
    { name: 'stop-signal', type: 'string', help: 'Signal to stop a container', default: '"SIGTERM"' },
    { name: 'stop-timeout', type: 'int', help: 'Timeout (in seconds) to stop a container' },
  ] as FlagSpec[]
).sort((a, b) => a.name.localeCompare(b.name));

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

/** `--env-file`: KEY=VALUE lines, `#` comments, a bare KEY takes the CLI's own value (or is dropped). */
function readEnvFile(io: CliIO, file: string, cmd: string): string[] {
  const bytes = io.workspace.readFile(io.workspace.resolve(file));
  if (!bytes) throw new DockerError(`docker: open ${file}: no such file or directory.\nSee 'docker ${cmd} --help'.`, 125);
  const out: string[] = [];
  for (const raw of fromUtf8(bytes).split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    const key = i < 0 ? line : line.slice(0, i);
    if (/\s/.test(key)) throw new DockerError(`docker: poorly formatted environment: variable '${key}' contains whitespaces.\nSee 'docker ${cmd} --help'.`, 125);
    if (i >= 0) out.push(line);
    else if (key in io.env) out.push(`${key}=${io.env[key]}`);
  }
  return out;
}

/** `-e NAME` takes the CLI's value of NAME; without one it stays a bare name (which no process sees). */
export function envFlag(io: CliIO, e: string): string {
  return e.includes('=') || !(e in io.env) ? e : `${e}=${io.env[e]}`;
}

/** `--cpus` as big.Rat parses it, in nano-CPUs. */
function parseCpus(spec: CommandSpec, text: string): number {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:\/(\d+))?$/.exec(text);
  if (!m) throw flagError(spec, `invalid argument "${text}" for "--cpus" flag: failed to parse ${text} as a rational number`);
  const value = Number(m[2]) / (m[3] ? Number(m[3]) : 1);
  const nano = value * 1e9;
  if (!Number.isInteger(Math.round(nano * 1e6) / 1e6)) throw flagError(spec, `invalid argument "${text}" for "--cpus" flag: value is too precise`);
  return (m[1] === '-' ? -1 : 1) * Math.round(nano);
}

/** The run/create flags as the engine's options; the CLI's own validation errors first. */
function createOpts(spec: CommandSpec, f: Flags, io: CliIO, cmd: string): CreateOptions {
  let memory: number | undefined;
  const mem = f.string('memory');
  if (mem !== undefined) {
    try {
      memory = parseSize(mem);
    } catch (e) {
      if (!(e instanceof SizeParseError)) throw e;
      throw flagError(spec, `invalid argument "${mem}" for "-m, --memory" flag: ${e.message}`);
    }
  }
  const cpus = f.string('cpus');
  const nanoCpus = cpus === undefined ? undefined : parseCpus(spec, cpus);
  const see = `\nSee 'docker ${cmd} --help'.`;
  const wrap = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      // the daemon's own checks are reported like its other errors by the caller
      if (e.message.startsWith('Error response from daemon: ')) throw e;
      throw new DockerError(`docker: ${e.message.replace(/\.$/, '')}.${see}`, 125);
    }
  };
  const publish = f.list('publish');
  wrap(() => publish.forEach((p) => parsePublish(p)));
  for (const e of f.list('expose')) wrap(() => parsePublish(e.includes('/') ? e : `${e}/tcp`));
  const restart = f.has('restart') ? wrap(() => parseRestartPolicy(f.string('restart')!)) : undefined;
  if (f.bool('rm') && restart && restartsAtAll(restart)) throw new DockerError(`docker: Conflicting options: --restart and --rm.${see}`, 125);
  const env = f.list('env').map((e) => envFlag(io, e));
  for (const file of f.list('env-file')) env.unshift(...readEnvFile(io, file, cmd));
  const labels: Record<string, string> = {};
  for (const l of f.list('label')) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  return {
    name: f.string('name'),
    cmd: f.args.slice(1),
    entrypoint: f.string('entrypoint'),
    env,
    user: f.string('user'),
    workdir: f.string('workdir'),
    autoRemove: f.bool('rm'),
    hostname: f.string('hostname'),
    volumes: f.list('volume'),
    mounts: f.list('mount'),
    readOnly: f.bool('read-only'),
    interactive: f.bool('interactive'),
    tty: f.bool('tty'),
    detach: f.bool('detach'),
    stopSignal: f.has('stop-signal') ? f.string('stop-signal') : undefined,
    restart,
    publish,
    expose: f.list('expose'),
    memory,
    nanoCpus,
    pidsLimit: f.int('pids-limit'),
    network: f.string('network'),
    labels,
  };
}

const runSpec: CommandSpec = { name: 'run', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', description: 'Run a command in a new container', aliases: ['container run'], stopAtFirstArg: true, args: { min: 1 }, flags: createFlags };

export const run: DockerCommand = {
  spec: runSpec,
  run(engine, f, io) {
    settle(engine);
    let opts: CreateOptions;
    try {
      opts = createOpts(runSpec, f, io, 'run');
    } catch (e) {
      if (e instanceof DockerError && e.message.startsWith('Error response from daemon: ')) cliError(e, 'run', true, 125);
      throw e;
    }
    const img = imageForRun(engine, f.args[0]!, io, 'run');
    if (opts.network === 'host' && (opts.publish?.length ?? 0) > 0) io.stderr('WARNING: Published ports are discarded when using host network mode');
    let c: ContainerRecord;
    try {
      c = createContainer(engine, img, f.args[0]!, opts);
    } catch (e) {
      cliError(e, 'run', true, 125);
    }
    let res;
    try {
      res = startContainer(engine, c, { attached: !opts.detach, stdin: io.stdin });
    } catch (e) {
      if (c.autoRemove && engine.containers.has(c.id)) removeContainer(engine, c, true, true);
      cliError(e, 'run', false);
    }
    if (opts.detach) {
      io.stdout(c.id);
      return 0;
    }
    writeText(res.stdout, (l) => io.stdout(l));
    writeText(res.stderr, (l) => (c.config.Tty ? io.stdout(l) : io.stderr(l)));
    return res.exitCode;
  },
};

const createSpec: CommandSpec = { name: 'create', usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]', description: 'Create a new container', aliases: ['container create'], stopAtFirstArg: true, args: { min: 1 }, flags: createFlags.filter((x) => x.name !== 'detach') };

export const create: DockerCommand = {
  spec: createSpec,
  run(engine, f, io) {
    settle(engine);
    try {
      const opts = createOpts(createSpec, f, io, 'create');
      const img = imageForRun(engine, f.args[0]!, io, 'create');
      io.stdout(createContainer(engine, img, f.args[0]!, { ...opts, detach: false }).id);
    } catch (e) {
      // the daemon's errors print as they are, exit 1; the CLI's own keep their wording and 125
      if (!(e instanceof DockerError) || !e.message.startsWith('Error response from daemon: ')) throw e;
      throw new DockerError(e.message, 1);
    }
    return 0;
  },
};

export const start: DockerCommand = {
  spec: {
    name: 'start',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Start one or more stopped containers',
    aliases: ['container start'],
    args: { min: 1 },
    flags: [
      { name: 'attach', short: 'a', type: 'bool', help: 'Attach STDOUT/STDERR and forward signals' },
      { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
      { name: 'interactive', short: 'i', type: 'bool', help: "Attach container's STDIN" },
    ],
  },
  run(engine, f, io) {
    settle(engine);
    const attach = f.bool('attach') || f.bool('interactive');
    if (attach) {
      if (f.args.length > 1) throw new DockerError('you cannot start and attach multiple containers at once');
      const c = engine.findContainer(f.args[0]!);
      if (!c) throw new DockerError(`Error: No such container: ${f.args[0]}`);
      const res = startContainer(engine, c, { attached: true, stdin: f.bool('interactive') ? io.stdin : '' });
      writeText(res.stdout, (l) => io.stdout(l));
      writeText(res.stderr, (l) => (c.config.Tty ? io.stdout(l) : io.stderr(l)));
      return res.exitCode;
    }
    const failed: string[] = [];
    for (const n of f.args) {
      const c = engine.findContainer(n);
      try {
        if (!c) throw new DockerError(`Error response from daemon: No such container: ${n}`);
        startContainer(engine, c);
        io.stdout(n);
      } catch (e) {
        if (!(e instanceof DockerError)) throw e;
        for (const l of e.message.split('\n')) io.stderr(l);
        failed.push(n);
      }
    }
    if (failed.length === 0) return 0;
    io.stderr(`Error: failed to start containers: ${failed.join(', ')}`);
    return 1;
  },
};
