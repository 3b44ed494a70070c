/**
 * Which docker commands real mode runs, and with which flags: the first gate every `docker`
 * message passes, before anything reaches the (root-equivalent) daemon.
 *
 * Flags are parsed with the simulator CLI's own specs (so `--name=value`, `-tvalue`, `-itv x`
 * and "flags stop at the image" behave exactly as docker's pflag does), extended with the
 * dangerous flags real docker has and the simulator does not: knowing their types is what
 * lets `-e --privileged` stay an environment value and `docker run busybox ls --privileged`
 * stay the container's own argument. What passes comes back as a canonical argv
 * (`--name=value` words, then the arguments), so a handler parsing it with
 * `realCommandSpec` cannot read it differently from what was checked.
 */
import { COMMANDS } from '../../src/cli/docker.js';
import { HelpRequest, parseFlags, type CommandSpec, type FlagSpec } from '../../src/cli/flags.js';
import { DockerError } from '../../src/engine/errors.js';

export type CommandCheck = { ok: true; command: string; argv: string[] } | { ok: false; message: string; exitCode: number };

/** Docker's exit code when the CLI itself refuses (before any container runs). */
const REFUSED = 125;

/** Canonical command names real mode offers (group forms like `image ls` resolve to these through the CLI's aliases). */
export const REAL_COMMANDS = ['build', 'run', 'create', 'start', 'stop', 'kill', 'rm', 'ps', 'logs', 'exec', 'images', 'history', 'inspect', 'image inspect', 'container inspect', 'tag', 'rmi', 'diff', 'pull', 'push', 'volume create', 'volume ls', 'volume inspect', 'volume rm', 'version', 'commit'] as const;

/** `version` is not in the simulator's CLI; it only reports what the welcome message already tells. */
const versionSpec: CommandSpec = { name: 'version', usage: '[OPTIONS]', description: 'Show the Docker version information', args: { max: 0 }, flags: [{ name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' }] };

/** Real docker commands the simulator does not have: refused as unavailable, not as "not a docker command". */
const OTHER_DOCKER_COMMANDS = new Set(['attach', 'builder', 'buildx', 'checkpoint', 'compose', 'config', 'container', 'context', 'cp', 'events', 'export', 'image', 'import', 'info', 'load', 'login', 'logout', 'manifest', 'network', 'node', 'pause', 'plugin', 'port', 'rename', 'restart', 'save', 'search', 'secret', 'service', 'stack', 'stats', 'swarm', 'system', 'top', 'trust', 'unpause', 'update', 'volume', 'wait']);

/** Why a command outside the allowlist is refused, when there is more to say than "not offered". */
const WHY_NOT: Record<string, string> = {
  info: 'it describes the host (kernel, storage paths, every session\'s containers)',
  'system info': 'it describes the host (kernel, storage paths, every session\'s containers)',
  'image prune': 'it would remove images of every session on this engine',
  'container prune': 'it would remove containers of every session on this engine',
  'volume prune': 'it would remove volumes of every session on this engine',
  'system prune': 'it would remove objects of every session on this engine',
  'builder prune': 'it would remove the build cache of every session on this engine',
  cp: 'it copies files between containers and the machine the server runs on',
  login: 'real mode keeps no registry credentials',
};

type Check = (value: string) => string | null;
interface Rule {
  flag: FlagSpec;
  /** Why the flag is refused (returns the reason), or a check on each value (null = fine). */
  refuse: string | Check;
}

const refuse = (name: string, type: FlagSpec['type'], why: string, short?: string): Rule => ({ flag: { name, short, type, help: '', hidden: true }, refuse: why });
const allow = (name: string, type: FlagSpec['type'], help: string): Rule => ({ flag: { name, type, help }, refuse: () => null });

const NAMESPACE_WHY = (ns: string) => (v: string) => (v === 'host' ? `it shares the host's ${ns} namespace with the container` : v.startsWith('container:') ? `it joins the ${ns} namespace of another container, which may belong to another session` : null);

/** A label in the server's own namespace would let a learner pass their objects off as another session's or as a seeded base. */
const checkLabel: Check = (v) => (/^org\.layerlab\./i.test(v.trim()) ? 'labels under org.layerlab. are how the server tells sessions and base images apart' : null);

const runRules: Rule[] = [
  refuse('privileged', 'bool', 'it gives the container every device and capability of the host'),
  refuse('cap-add', 'list', 'containers keep the locked set of capabilities (all dropped)'),
  refuse('security-opt', 'list', 'the seccomp profile and no-new-privileges of the locked template are fixed'),
  refuse('device', 'list', 'it hands a device of the host to the container'),
  refuse('device-cgroup-rule', 'list', 'it lets the container use devices of the host'),
  refuse('gpus', 'string', 'it hands the host\'s GPUs to the container'),
  refuse('volumes-from', 'list', 'it mounts the volumes of another container, which may belong to another session'),
  refuse('volume-driver', 'string', 'a volume driver can mount anything from the host'),
  refuse('link', 'list', 'it connects to another container, which may belong to another session'),
  refuse('runtime', 'string', 'containers run with the engine\'s default runtime'),
  refuse('sysctl', 'list', 'kernel parameters are fixed by the locked template'),
  refuse('cgroup-parent', 'string', 'it moves the container out of the engine\'s resource limits'),
  refuse('ulimit', 'list', 'resource limits are fixed by the locked template'),
  refuse('oom-kill-disable', 'bool', 'a container the kernel cannot kill can take the host\'s memory'),
  refuse('oom-score-adj', 'int', 'it changes which processes the host\'s kernel kills first when memory runs out'),
  refuse('publish-all', 'bool', 'it publishes every exposed port on every interface of the host; publish ports one by one with -p 127.0.0.1:HOSTPORT:PORT', 'P'),
  refuse('cidfile', 'string', 'it writes a file on the machine the server runs on'),
  refuse('env-file', 'list', 'it reads a file on the machine the server runs on, not in your workspace; use -e NAME=value'),
  refuse('userns', 'string', 'it runs the container in the host\'s user namespace'),
  { flag: { name: 'pid', type: 'string', help: 'PID namespace to use', meta: 'string' }, refuse: NAMESPACE_WHY('process') },
  { flag: { name: 'ipc', type: 'string', help: 'IPC mode to use', meta: 'string' }, refuse: NAMESPACE_WHY('IPC') },
  { flag: { name: 'uts', type: 'string', help: 'UTS namespace to use', meta: 'string' }, refuse: NAMESPACE_WHY('UTS (host name)') },
  { flag: { name: 'cgroupns', type: 'string', help: 'Cgroup namespace to use (host|private)', meta: 'string' }, refuse: (v) => (v === 'host' ? "it shares the host's cgroup namespace with the container" : null) },
  // docker's hidden alias of --network
  { flag: { name: 'net', type: 'string', help: '', hidden: true }, refuse: checkNetwork },
  { flag: { name: 'network', type: 'string', help: '' }, refuse: checkNetwork },
  { flag: { name: 'volume', short: 'v', type: 'list', help: '' }, refuse: checkVolume },
  { flag: { name: 'mount', type: 'list', help: '' }, refuse: checkMount },
  { flag: { name: 'label', short: 'l', type: 'list', help: '' }, refuse: checkLabel },
  // harmless: names resolve inside the container only; dropping capabilities only takes power away
  allow('add-host', 'list', 'Add a custom host-to-IP mapping (host:ip)'),
  allow('cap-drop', 'list', 'Drop Linux capabilities'),
];

const buildRules: Rule[] = [
  { flag: { name: 'network', type: 'string', help: '' }, refuse: (v) => (['none', 'default'].includes(v) ? null : v === 'host' ? "RUN steps would share the host's network" : 'builds run without a network in real mode (--network none)') },
  refuse('secret', 'list', 'it hands files of the machine the server runs on to the build'),
  refuse('ssh', 'list', 'it hands the server\'s SSH agent or keys to the build'),
  refuse('output', 'list', 'it writes the result on the machine the server runs on', 'o'),
  refuse('cache-from', 'list', 'cache comes only from this engine\'s own earlier builds'),
  refuse('cache-to', 'list', 'it exports the cache out of the engine'),
  refuse('build-context', 'list', 'extra build contexts can come from outside your workspace'),
  refuse('allow', 'list', 'it grants the build extra privileges'),
  refuse('security-opt', 'list', 'builds run with the engine\'s default security profile'),
  refuse('cgroup-parent', 'string', 'it moves the build out of the engine\'s resource limits'),
  refuse('ulimit', 'list', 'resource limits of builds are fixed'),
  refuse('iidfile', 'string', 'it writes a file on the machine the server runs on'),
  refuse('metadata-file', 'string', 'it writes a file on the machine the server runs on'),
  refuse('add-host', 'list', 'builds run without a network in real mode, so host names have nothing to reach'),
  { flag: { name: 'label', type: 'list', help: '' }, refuse: checkLabel },
  // BuildKit reads BUILDKIT_SYNTAX as `# syntax=`: a frontend image pulled and run by the daemon
  { flag: { name: 'build-arg', type: 'list', help: '' }, refuse: (v) => (/^BUILDKIT_SYNTAX(=|$)/i.test(v) ? 'BUILDKIT_SYNTAX runs a frontend image from a registry' : null) },
  { flag: { name: 'file', short: 'f', type: 'string', help: '' }, refuse: (v) => (v === '-' || v.startsWith('/') || v.split('/').includes('..') ? 'the Dockerfile must be a file inside the build context' : null) },
];

const RULES: Record<string, Rule[]> = {
  // a LABEL change in the server's namespace would pass the image off as another session's
  commit: [{ flag: { name: 'change', short: 'c', type: 'list', help: '' }, refuse: (v) => (/^\s*LABEL\b/i.test(v) && /org\.layerlab\./i.test(v) ? 'labels under org.layerlab. are how the server tells sessions and base images apart' : null) }],
  run: runRules,
  create: runRules,
  build: buildRules,
  exec: [refuse('privileged', 'bool', 'it gives the command every capability of the host'), refuse('env-file', 'list', 'it reads a file on the machine the server runs on, not in your workspace; use -e NAME=value')],
  'volume create': [
    { flag: { name: 'driver', short: 'd', type: 'string', help: '' }, refuse: (v) => (v === 'local' ? null : 'volumes use the local driver') },
    // `-o type=none -o o=bind -o device=/etc` turns a "named volume" into a bind mount of the host
    refuse('opt', 'list', 'driver options can turn a volume into a mount of any folder of the host', 'o'),
    { flag: { name: 'label', type: 'list', help: '' }, refuse: checkLabel },
  ],
};

/** The spec a real-mode handler parses its (canonical) argv with: the simulator's flags plus the extra ones real mode allows. */
export function realCommandSpec(command: string): CommandSpec {
  const spec = command === 'version' ? versionSpec : COMMANDS.get(command)!.spec;
  const extra = (RULES[command] ?? []).filter((r) => typeof r.refuse !== 'string' && !r.flag.hidden && !spec.flags.some((f) => f.name === r.flag.name)).map((r) => r.flag);
  return { ...spec, flags: [...spec.flags, ...extra] };
}

/** The spec the check parses with: every flag docker knows that matters here, dangerous ones included. */
function checkSpec(command: string): CommandSpec {
  const spec = command === 'version' ? versionSpec : COMMANDS.get(command)!.spec;
  const rules = RULES[command] ?? [];
  const names = new Set(rules.map((r) => r.flag.name));
  const shorts = new Set(rules.map((r) => r.flag.short).filter(Boolean));
  // the rule's type wins over the simulator's where both know a flag (they agree today)
  const kept = spec.flags.filter((f) => !names.has(f.name) && !(f.short && shorts.has(f.short)));
  return { ...spec, flags: [...kept, ...rules.map((r) => ({ ...spec.flags.find((f) => f.name === r.flag.name), ...r.flag }))] };
}

/** Checks a docker command (argv after `docker`) against real mode's policy; returns the command and a canonical argv, or why not. */
export function checkCommand(argv: string[]): CommandCheck {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') return { ok: true, command: 'help', argv: [] };
  if (argv[0]!.startsWith('-')) return no(`docker: the global option ${argv[0]} is not available in Layerlab's real mode: the console talks to one engine, with its own settings.`);
  const { command, rest, words } = resolve(argv);
  if (!command) {
    const why = WHY_NOT[words] ?? WHY_NOT[argv[0]!];
    if (why) return no(`docker: '${words}' is not available in Layerlab's real mode: ${why}.`);
    if (OTHER_DOCKER_COMMANDS.has(argv[0]!)) return no(`docker: '${words}' is not available in Layerlab's real mode (it offers: ${REAL_COMMANDS.join(', ')}).`);
    return { ok: false, message: `docker: '${argv[0]}' is not a docker command.\nSee 'docker --help'`, exitCode: 1 };
  }
  const spec = checkSpec(command);
  let parsed;
  try {
    parsed = parseFlags(spec, rest);
  } catch (e) {
    if (e instanceof HelpRequest) return { ok: true, command, argv: ['--help'] };
    if (e instanceof DockerError) return { ok: false, message: e.message, exitCode: e.exitCode };
    throw e;
  }
  const rules = new Map((RULES[command] ?? []).map((r) => [r.flag.name, r]));
  const out: string[] = [];
  for (const [name, values] of parsed.values) {
    const rule = rules.get(name);
    const f = spec.flags.find((x) => x.name === name)!;
    const label = f.short ? `-${f.short}` : `--${name}`;
    if (rule && typeof rule.refuse === 'string') {
      // `--privileged=false` asks for nothing: it is dropped, not refused
      if (f.type === 'bool' && values.every((v) => v === 'false' || v === '0')) continue;
      return no(`docker: ${label}${f.type === 'bool' ? '' : ' ' + values[0]} is not allowed in Layerlab's real mode: ${rule.refuse}.`);
    }
    for (let v of values) {
      if (rule && typeof rule.refuse === 'function') {
        const why = rule.refuse(v);
        if (why) return no(`docker: ${label} ${v} is not allowed in Layerlab's real mode: ${why}.`);
      }
      if (name === 'publish') {
        const p = publishOnLoopback(v);
        if ('error' in p) return no(`docker: ${label} ${v} is not allowed in Layerlab's real mode: ${p.error}.`);
        v = p.spec;
      }
      // `--net` is docker's hidden alias: handlers see one name
      out.push(`--${name === 'net' ? 'network' : name}=${v}`);
    }
  }
  if (command === 'build') {
    const ctx = parsed.args[0]!;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ctx) || ctx.startsWith('git@')) return no(`docker: the build context ${ctx} is not allowed in Layerlab's real mode: the engine would fetch it from the network; build a folder of your workspace.`);
  }
  // `--` keeps arguments that look like flags (after the image) from being read as flags
  if (parsed.args.length) out.push('--', ...parsed.args);
  return { ok: true, command, argv: out };
}

function no(message: string): CommandCheck {
  return { ok: false, message, exitCode: REFUSED };
}

/** The canonical command the words name (`image ls` is `images`), through the CLI's own aliases. */
function resolve(argv: string[]): { command: string | null; rest: string[]; words: string } {
  const allowed = new Set<string>(REAL_COMMANDS);
  const two = argv.slice(0, 2).join(' ');
  const viaTwo = COMMANDS.get(two);
  if (viaTwo) return { command: allowed.has(viaTwo.spec.name) ? viaTwo.spec.name : null, rest: argv.slice(2), words: two };
  if (argv[0] === 'version') return { command: 'version', rest: argv.slice(1), words: 'version' };
  const one = COMMANDS.get(argv[0]!);
  // a group word alone (`image`, `volume`) names the group, not a command
  if (one && !['image', 'container', 'volume'].includes(argv[0]!)) return { command: allowed.has(one.spec.name) ? one.spec.name : null, rest: argv.slice(1), words: argv[0]! };
  return { command: null, rest: [], words: ['image', 'container', 'volume', 'system', 'builder', 'network'].includes(argv[0]!) && argv[1] ? two : argv[0]! };
}

/** A volume name as docker accepts it; anything else in a `-v` source is a path on the host. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function hostPath(source: string): boolean {
  return source === '' || /[/\\~]/.test(source) || source.startsWith('.') || /^[a-zA-Z]:/.test(source);
}

function checkNetwork(v: string): string | null {
  if (['none', 'bridge', 'default'].includes(v)) return null;
  if (v === 'host') return "the container would share the host's network stack";
  if (v.startsWith('container:')) return 'it joins the network of another container, which may belong to another session';
  return 'containers use --network none or bridge in real mode';
}

/** `-v [SOURCE:]TARGET[:OPTIONS]`: only named volumes (or anonymous ones) are mounted. */
function checkVolume(v: string): string | null {
  const parts = v.split(':');
  if (parts.length === 1) return parts[0]!.startsWith('/') ? null : 'the target must be an absolute path inside the container';
  if (parts.length > 3) return 'use -v NAME:/path[:ro]';
  const [source, target, opts] = parts as [string, string, string?];
  if (!VOLUME_NAME.test(source)) return hostPath(source) ? `${source} is a path on the host, and real mode mounts named volumes only (-v NAME:/path)` : `${source} is not a valid volume name`;
  if (!target.startsWith('/')) return 'the target must be an absolute path inside the container';
  for (const o of opts === undefined ? [] : opts.split(',')) if (!['ro', 'rw', 'nocopy'].includes(o)) return `the mount option ${o} is not available (ro, rw and nocopy are)`;
  return null;
}

/** `--mount type=volume|tmpfs,...`: no bind mounts and no driver options (those can bind the host too). */
function checkMount(v: string): string | null {
  if (v.includes('"') || v.includes("'")) return 'write the mount without quotes (type=volume,source=NAME,target=/path)';
  let type = 'volume';
  let source = '';
  for (const field of v.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : field.slice(eq + 1).trim();
    if (key === 'type') type = value;
    else if (key === 'source' || key === 'src') source = value;
    else if (!['target', 'destination', 'dst', 'readonly', 'ro', 'volume-nocopy', 'volume-label', 'tmpfs-size', 'tmpfs-mode', 'consistency'].includes(key)) return `the mount option ${key} is not available in real mode`;
  }
  if (type === 'bind') return 'a bind mount exposes a folder of the host; use a named volume (type=volume,source=NAME)';
  if (type !== 'volume' && type !== 'tmpfs') return `mounts of type ${type} are not available (volume and tmpfs are)`;
  if (type === 'tmpfs' && source) return 'a tmpfs mount has no source';
  if (source && !VOLUME_NAME.test(source)) return hostPath(source) ? `${source} is a path on the host, and real mode mounts named volumes only` : `${source} is not a valid volume name`;
  return null;
}

const PORT = /^\d{1,5}(-\d{1,5})?$/;

/**
 * `-p [IP:][HOSTPORT:]PORT[/PROTO]`: without an address docker publishes on every interface
 * of the host, which would put a learner's server on the LAN. Real mode rewrites such specs
 * to 127.0.0.1 (the course's own `-p 8080:80` keeps working) and refuses other addresses.
 */
function publishOnLoopback(v: string): { spec: string } | { error: string } {
  const slash = v.lastIndexOf('/');
  const proto = slash >= 0 ? v.slice(slash) : '';
  if (proto && !['/tcp', '/udp', '/sctp'].includes(proto)) return { error: `unknown protocol ${proto.slice(1)}` };
  const body = slash >= 0 ? v.slice(0, slash) : v;
  if (body.startsWith('[')) return { error: 'real mode publishes on 127.0.0.1 only: write -p 127.0.0.1:HOSTPORT:PORT' };
  const parts = body.split(':');
  if (parts.length > 3) return { error: 'write -p 127.0.0.1:HOSTPORT:PORT' };
  const [ip, hostPort, port] = parts.length === 3 ? parts : parts.length === 2 ? [undefined, parts[0]!, parts[1]!] : [undefined, '', parts[0]!];
  if (!PORT.test(port!) || (hostPort && !PORT.test(hostPort))) return { error: 'write -p 127.0.0.1:HOSTPORT:PORT with port numbers' };
  if (ip !== undefined && ip !== '127.0.0.1') return { error: `it publishes on ${ip || 'every interface'}; real mode publishes on 127.0.0.1 only: write -p 127.0.0.1:${hostPort}:${port}${proto}` };
  return { spec: `127.0.0.1:${hostPort}:${port}${proto}` };
}
