/**
 * `docker run`/`docker create` flags as an Engine API create body. The HostConfig always
 * comes from the locked template; flags only choose within it.
 */
import type Docker from 'dockerode';
import { DockerError } from '../../src/engine/errors.js';
import { flagError, type CommandSpec, type Flags } from '../../src/cli/flags.js';
import { parseSize, SizeParseError } from '../../src/shared/format/units.js';
import { lockedHostConfig, type TemplateOptions } from './template.js';
import { LABEL_SESSION, type CommandIO, type SessionScope } from './types.js';

/** What run/create hand the engine, and what run does with it afterwards. */
export interface CreatePlan {
  body: Docker.ContainerCreateOptions;
  /** Named volumes the container mounts (made with the session's labels when missing). */
  volumes: string[];
  attach: boolean;
  interactive: boolean;
  tty: boolean;
  autoRemove: boolean;
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** `docker: <msg>.` plus the help hint, exit 125: how run and create report the CLI's own checks. */
export function runUsageError(cmd: string, msg: string): DockerError {
  return new DockerError(`docker: ${msg.replace(/\.$/, '')}.\nSee 'docker ${cmd} --help'.`, 125);
}

/** `--cpus` (a decimal) in nano-CPUs, as the CLI parses it. */
function parseCpus(spec: CommandSpec, text: string): number {
  const n = Number(text);
  if (!/^\d*\.?\d+$|^\d+\.$/.test(text) || !Number.isFinite(n)) throw flagError(spec, `invalid argument "${text}" for "--cpus" flag: failed to parse ${text} as a rational number`);
  return Math.round(n * 1e9);
}

/** A `-v` value as a bind of a named volume (`vol:/path[:ro]`) or an anonymous volume (`/path`); host paths never pass. */
function parseVolume(cmd: string, spec: string): { bind?: string; anonymous?: string; name?: string } {
  const parts = spec.split(':');
  if (parts.length === 1) return { anonymous: spec };
  const [source, , mode] = parts as [string, string, string?];
  // the policy layer refuses host paths before us; this is the second lock on the same door
  if (!VOLUME_NAME.test(source)) throw runUsageError(cmd, `layerlab: only named volumes can be mounted in real mode, not "${source}"`);
  if (parts.length > 3 || (mode !== undefined && !/^(ro|rw)$/.test(mode))) throw runUsageError(cmd, `Error response from daemon: invalid mode: ${mode ?? parts.slice(2).join(':')}`);
  return { bind: spec, name: source };
}

/** A `--mount type=volume,...` value as a named-volume bind. */
function parseMount(cmd: string, spec: string): { bind?: string; anonymous?: string; name?: string } {
  const kv = new Map(spec.split(',').map((p) => {
    const i = p.indexOf('=');
    return [i < 0 ? p : p.slice(0, i), i < 0 ? 'true' : p.slice(i + 1)] as const;
  }));
  const type = kv.get('type') ?? 'volume';
  if (type !== 'volume') throw runUsageError(cmd, `layerlab: only volume mounts are available in real mode, not type=${type}`);
  const source = kv.get('source') ?? kv.get('src');
  const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
  if (!target) throw runUsageError(cmd, `invalid argument "${spec}" for "--mount" flag: target is required`);
  const ro = ['true', '1'].includes(kv.get('readonly') ?? kv.get('ro') ?? 'false');
  if (!source) return { anonymous: target };
  return parseVolume(cmd, `${source}:${target}${ro ? ':ro' : ''}`);
}

/** `-p 127.0.0.1:HOST:CONTAINER[/proto]`: the only form the policy layer lets through. */
function parsePublish(cmd: string, spec: string): [string, string] {
  const m = /^127\.0\.0\.1:(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(spec);
  if (!m) throw runUsageError(cmd, `layerlab: only 127.0.0.1:HOSTPORT:CONTAINERPORT can be published in real mode, not "${spec}"`);
  return [`${m[2]}/${m[3] ?? 'tcp'}`, m[1]!];
}

/** The run/create flags as a create body over the locked template; the CLI's own errors first. */
export function createPlan(scope: SessionScope, spec: CommandSpec, f: Flags, io: CommandIO, cmd: 'run' | 'create'): CreatePlan {
  const opts: TemplateOptions = {};
  const mem = f.string('memory');
  if (mem !== undefined) {
    try {
      opts.memory = parseSize(mem);
    } catch (e) {
      if (!(e instanceof SizeParseError)) throw e;
      throw flagError(spec, `invalid argument "${mem}" for "-m, --memory" flag: ${e.message}`);
    }
  }
  const cpus = f.string('cpus');
  if (cpus !== undefined) opts.nanoCpus = parseCpus(spec, cpus);
  const pids = f.int('pids-limit');
  if (pids !== undefined && pids > 0) opts.pidsLimit = pids;
  const network = f.string('network');
  if (network === 'none' || network === 'bridge') opts.network = network;
  else if (network !== undefined && network !== 'default') throw runUsageError(cmd, `Error response from daemon: network ${network} not found`);
  const restart = f.string('restart');
  // restart policies would let a crashing container loop on the shared engine
  if (restart !== undefined && restart !== 'no') throw runUsageError(cmd, `layerlab: --restart ${restart} is not available in real mode`);
  if (f.list('env-file').length) throw runUsageError(cmd, 'layerlab: --env-file is not available in real mode; use -e NAME=value');
  opts.readOnlyRoot = f.bool('read-only');

  const binds: string[] = [];
  const anonymous: Record<string, object> = {};
  const volumes: string[] = [];
  for (const v of [...f.list('volume').map((x) => parseVolume(cmd, x)), ...f.list('mount').map((x) => parseMount(cmd, x))]) {
    if (v.bind) binds.push(v.bind);
    if (v.name) volumes.push(v.name);
    if (v.anonymous) anonymous[v.anonymous] = {};
  }
  opts.binds = binds;
  const exposed: Record<string, object> = {};
  for (const e of f.list('expose')) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  const ports: Record<string, string> = {};
  for (const p of f.list('publish')) {
    const [container, host] = parsePublish(cmd, p);
    ports[container] = host;
    exposed[container] = {};
  }
  opts.ports = ports;
  // a published port needs a network to reach: without --network, publishing means bridge
  if (Object.keys(ports).length && network === undefined) opts.network = 'bridge';
  opts.extraHosts = f.list('add-host');

  const labels: Record<string, string> = {};
  for (const l of f.list('label')) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  const attach = cmd === 'run' && !f.bool('detach');
  const interactive = f.bool('interactive');
  const tty = f.bool('tty');
  const autoRemove = f.bool('rm');
  const entrypoint = f.string('entrypoint');
  const stopTimeout = f.int('stop-timeout');
  const body: Docker.ContainerCreateOptions = {
    name: f.string('name'),
    Image: f.args[0]!,
    Cmd: f.args.length > 1 ? f.args.slice(1) : undefined,
    // `--entrypoint ""` resets the image's entrypoint, as the CLI sends it
    Entrypoint: entrypoint === undefined ? undefined : [entrypoint],
    // `-e NAME` takes the value of NAME in the console's environment, or stays a bare name
    Env: f.list('env').map((e) => (e.includes('=') || !(e in io.env) ? e : `${e}=${io.env[e]}`)),
    WorkingDir: f.string('workdir'),
    User: f.string('user'),
    Hostname: f.string('hostname'),
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive && attach,
    AttachStdin: interactive && attach,
    AttachStdout: attach,
    AttachStderr: attach,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Volumes: Object.keys(anonymous).length ? anonymous : undefined,
    StopSignal: f.string('stop-signal'),
    StopTimeout: stopTimeout,
    // the session's labels last, so `--label` cannot move a container into another session
    Labels: { ...labels, ...scope.labels, [LABEL_SESSION]: scope.sessionId },
    HostConfig: { ...lockedHostConfig(opts), AutoRemove: autoRemove },
  };
  return { body, volumes, attach, interactive, tty, autoRemove };
}
