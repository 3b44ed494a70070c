/**
 * The state of a build stage (config, history, layers, ARGs in scope) and the
 * instructions that change only metadata. Both builders share these; they
 * differ in which steps make layers, how they cache and what they print.
 */
import { processWord, processWords, type EnvMap } from '../dockerfile/lex.js';
import type { Instruction } from '../dockerfile/instructions.js';
import { DockerError } from '../errors.js';
import type { Layer } from '../fs/layer.js';
import { emptyContainerConfig, type ContainerConfig, type HealthConfig, type HistoryEntry } from '../image/types.js';
import { goList, goPortMap, goQuotedList, healthText, metadataHistory, type BuilderKind } from './history.js';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

export interface StageState {
  config: ContainerConfig;
  history: HistoryEntry[];
  layers: Layer[];
  /** ARGs declared in this stage that have a value (defaults or --build-arg). */
  args: Map<string, string>;
  /** Set once CMD is given in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
}

/** A stage's starting state from a base image's config and layers. */
export function stateFromImage(config: ContainerConfig | null, history: HistoryEntry[], layers: Layer[]): StageState {
  const c: ContainerConfig = { ...emptyContainerConfig(), ...(config ? structuredClone(config) : {}) };
  c.Image = '';
  if (!c.Env?.some((e) => e.startsWith('PATH='))) c.Env = [DEFAULT_PATH, ...(c.Env ?? [])];
  return { config: c, history: history.map((h) => ({ ...h })), layers: [...layers], args: new Map(), cmdSet: false };
}

/** ENV values as a map (for substitution and for processes). */
export function envOf(state: StageState): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of state.config.Env ?? []) {
    const i = e.indexOf('=');
    m.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
  }
  return m;
}

/** Variables for substitution: ARG values, overridden by ENV of the same name (Docker's precedence). */
export function substitutionEnv(state: StageState): Map<string, string> {
  const m = new Map(state.args);
  for (const [k, v] of envOf(state)) m.set(k, v);
  return m;
}

/** ARGs in scope that ENV does not override: what RUN sees and records as `|N k=v`. */
export function runArgs(state: StageState): Map<string, string> {
  const env = envOf(state);
  const m = new Map<string, string>();
  for (const [k, v] of state.args) if (!env.has(k)) m.set(k, v);
  return m;
}

function setEnv(config: ContainerConfig, key: string, value: string): void {
  const env = config.Env ?? [];
  const i = env.findIndex((e) => e === key || e.startsWith(key + '='));
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
  config.Env = env;
}

/** `8080` → `8080/tcp`, ranges expanded, as Docker's nat.ParsePortSpecs. */
export function normalizePorts(specs: string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const [range = '', proto = 'tcp'] = spec.split('/');
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) throw new DockerError(`Invalid containerPort: ${range}`, 1, { kind: 'llb' });
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    if (hi < lo || hi > 65535) throw new DockerError(`invalid range specified for container port: ${range}`);
    if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new DockerError(`invalid proto: ${proto}`);
    for (let p = lo; p <= hi; p++) out.push(`${p}/${proto.toLowerCase()}`);
  }
  return out;
}

/** The shell-form command line for RUN/CMD/ENTRYPOINT with the stage's SHELL. */
export function shellCommand(state: StageState, text: string): string[] {
  return [...(state.config.Shell ?? DEFAULT_SHELL), text];
}

/**
 * Applies an instruction that changes only the config. Returns the history
 * text for it; `buildArgs`/`metaArgs` resolve ARG values.
 */
export function applyMetadata(
  state: StageState,
  ins: Instruction,
  builder: BuilderKind,
  escape: string,
  buildArgs: ReadonlyMap<string, string>,
  metaArgs: ReadonlyMap<string, string>,
  usedArgs: Set<string>,
): string {
  const env: EnvMap = substitutionEnv(state);
  const word = (s: string) => processWord(s, env, escape);
  const c = state.config;
  switch (ins.kind) {
    case 'ENV': {
      const parts: string[] = [];
      for (const [k, v] of ins.pairs) {
        const key = word(k);
        const val = processWord(v, substitutionEnv(state), escape);
        setEnv(c, key, val);
        parts.push(`${key}=${val}`);
      }
      return metadataHistory(builder, `ENV ${parts.join(' ')}`);
    }
    case 'LABEL': {
      const parts: string[] = [];
      c.Labels = { ...(c.Labels ?? {}) };
      for (const [k, v] of ins.pairs) {
        const key = word(k);
        const val = word(v);
        c.Labels[key] = val;
        parts.push(`${key}=${val}`);
      }
      return metadataHistory(builder, `LABEL ${parts.join(' ')}`);
    }
    case 'EXPOSE': {
      const specs = ins.ports.flatMap((p) => processWords(p, env, escape));
      const ports = normalizePorts(specs);
      c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
      for (const p of ports) c.ExposedPorts[p] = {};
      return metadataHistory(builder, builder === 'classic' ? `EXPOSE ${specs.join(' ')}` : `EXPOSE ${goPortMap(ports)}`);
    }
    case 'VOLUME': {
      const paths = ins.paths.map(word);
      c.Volumes = { ...(c.Volumes ?? {}) };
      for (const p of paths) c.Volumes[p] = {};
      return metadataHistory(builder, `VOLUME ${goList(paths)}`);
    }
    case 'USER':
      c.User = word(ins.user);
      return metadataHistory(builder, `USER ${c.User}`);
    case 'STOPSIGNAL': {
      const sig = word(ins.signal);
      if (!/^(SIG[A-Z0-9+-]+|\d+|[A-Z][A-Z0-9]*)$/.test(sig)) throw new DockerError(`Invalid signal: ${sig}`);
      c.StopSignal = sig;
      return metadataHistory(builder, `STOPSIGNAL ${sig}`);
    }
    case 'SHELL':
      c.Shell = [...ins.shell];
      return metadataHistory(builder, `SHELL ${goList(ins.shell)}`);
    case 'HEALTHCHECK': {
      const h: HealthConfig = { Test: ins.test };
      if (ins.interval !== undefined) h.Interval = ins.interval;
      if (ins.timeout !== undefined) h.Timeout = ins.timeout;
      if (ins.startPeriod !== undefined) h.StartPeriod = ins.startPeriod;
      if (ins.retries !== undefined) h.Retries = ins.retries;
      c.Healthcheck = h;
      return metadataHistory(builder, `HEALTHCHECK ${healthText(h)}`);
    }
    case 'CMD':
    case 'ENTRYPOINT': {
      const cmd = ins.exec ?? shellCommand(state, ins.shell!);
      if (ins.kind === 'CMD') {
        c.Cmd = cmd;
        state.cmdSet = true;
      } else {
        c.Entrypoint = cmd;
        if (!state.cmdSet) c.Cmd = null;
      }
      return metadataHistory(builder, `${ins.kind} ${goQuotedList(cmd)}`);
    }
    case 'ARG': {
      const texts: string[] = [];
      for (const a of ins.args) {
        const name = a.name;
        let value: string | undefined;
        if (buildArgs.has(name)) {
          value = buildArgs.get(name);
          usedArgs.add(name);
        } else if (a.value !== undefined) value = processWord(a.value, substitutionEnv(state), escape);
        else if (metaArgs.has(name)) value = metaArgs.get(name);
        if (value !== undefined) state.args.set(name, value);
        texts.push(a.value !== undefined ? `${name}=${a.value}` : name);
      }
      return metadataHistory(builder, `ARG ${texts.join(' ')}`);
    }
    case 'ONBUILD': {
      const trigger = ins.expression.replace(/^(\S+)/, (k) => k.toUpperCase());
      c.OnBuild = [...(c.OnBuild ?? []), trigger];
      return metadataHistory(builder, `ONBUILD ${trigger}`);
    }
    case 'MAINTAINER':
      return metadataHistory(builder, `MAINTAINER ${ins.name}`);
    default:
      throw new Error(`not a metadata instruction: ${ins.kind}`);
  }
}
