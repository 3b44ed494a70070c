/**
 * The container commands on the real engine: run, create and start here; stop, kill, rm
 * and diff in container-control.ts, ps in container-list.ts, logs in container-logs.ts.
 * Every container is created from the locked template and labelled with its session.
 */
import type Docker from 'dockerode';
import { create as simCreate, run as simRun, start as simStart } from '../../src/cli/commands/containers.js';
import { DockerError } from '../../src/engine/errors.js';
import { normalizeTagged } from '../../src/engine/image/reference.js';
import { aborted, connectConsole, delay, type Attached } from './container-attach.js';
import { daemonMessage, findContainer, INTERRUPTED, noSuchContainer, realCommand, sessionContainers, statusOf } from './container-common.js';
import { createPlan, type CreatePlan } from './container-config.js';
import { LABEL_SESSION, type CommandIO, type SessionScope } from './types.js';

export { diff, kill, rm, stop } from './container-control.js';
export { ps } from './container-list.js';
export { logs } from './container-logs.js';

/** How long Ctrl-C waits for an attached container to exit before the console lets go of it. */
const DETACH_GRACE_MS = 2000;
/** How long output may trail the exit before the stream is closed. */
const DRAIN_MS = 2000;

/** The exit code docker run gives when starting failed (runStartContainerErr): 127 not found, 126 not executable, else 125. */
export function startErrorCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return 127;
  if (message.includes('permission denied')) return 126;
  return 125;
}

/** Prints the pull progress the CLI prints when run/create has to pull (no progress bars, as without a terminal). */
async function pullImage(scope: SessionScope, ref: string, io: CommandIO): Promise<void> {
  const stream = (await scope.docker.pull(ref)) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    scope.docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (ev: { status?: string; id?: string; progressDetail?: { current?: number }; error?: string }) => {
        if (!ev.status || ev.progressDetail?.current !== undefined) return;
        io.stderr(ev.id ? `${ev.id}: ${ev.status}` : ev.status);
      },
    );
  });
}

/** Named volumes are made with the session's labels first, so the session sees and owns them (docker would make them unlabelled). */
async function ensureVolumes(scope: SessionScope, names: string[]): Promise<void> {
  for (const name of names) {
    let info: Docker.VolumeInspectInfo | null = null;
    try {
      info = await scope.docker.getVolume(name).inspect();
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
    if (!info) {
      await scope.docker.createVolume({ Name: name, Labels: { ...scope.labels, [LABEL_SESSION]: scope.sessionId } });
      continue;
    }
    if (info.Labels?.[LABEL_SESSION] !== scope.sessionId) throw new DockerError(`Error response from daemon: layerlab: volume "${name}" belongs to another session`);
  }
}

/**
 * Creates the container as docker run/create do: a missing image is pulled first
 * (`Unable to find image ... locally`). Errors are thrown in the CLI's wording for `cmd`.
 */
async function createContainer(scope: SessionScope, plan: CreatePlan, pull: string, io: CommandIO, cmd: 'run' | 'create'): Promise<Docker.Container> {
  const ref = plan.body.Image!;
  // run and create word the daemon's errors differently (docker: ... See --help, 125; or as is, 1)
  const failWith = (msg: string) => (cmd === 'run' ? new DockerError(`docker: Error response from daemon: ${msg.replace(/\.$/, '')}.\nSee 'docker run --help'.`, 125) : new DockerError(`Error response from daemon: ${msg}`, 1));
  // names are one namespace on a shared engine: another session's container is not named to this one
  const others = async (msg: string) => {
    const m = /is already in use by container "([0-9a-f]{64})"/.exec(msg);
    if (!m || (await sessionContainers(scope)).some((c) => c.Id === m[1])) return msg;
    return msg.replace(`by container "${m[1]}"`, 'by a container of another session on this server').replace(/ You have to remove \(or rename\) that container to be able to reuse that name\.?$/, ' Pick another name.');
  };
  const fail = async (msg: string) => failWith(await others(msg));
  const doPull = async () => {
    try {
      await pullImage(scope, ref, io);
    } catch (e) {
      throw await fail(daemonMessage(e) ?? (e as Error).message);
    }
  };
  try {
    await ensureVolumes(scope, plan.volumes);
  } catch (e) {
    if (e instanceof DockerError) throw await fail(e.message.replace(/^Error response from daemon: /, ''));
    throw e;
  }
  if (pull === 'always') await doPull();
  try {
    return await scope.docker.createContainer(plan.body);
  } catch (e) {
    const msg = daemonMessage(e);
    if (msg === null) throw e;
    if (statusOf(e) !== 404 || !msg.startsWith('No such image') || pull !== 'missing') throw await fail(msg);
  }
  let tagged = ref;
  try {
    tagged = ref.includes('@') ? ref : normalizeTagged(ref);
  } catch {
    throw new DockerError(`docker: invalid reference format.\nSee 'docker ${cmd} --help'.`, 125);
  }
  io.stderr(`Unable to find image '${tagged}' locally`);
  await doPull();
  try {
    return await scope.docker.createContainer(plan.body);
  } catch (e) {
    const msg = daemonMessage(e);
    if (msg === null) throw e;
    throw await fail(msg);
  }
}

/** Removes a container, ignoring that it is already gone (after `--rm`). */
async function removeQuietly(c: Docker.Container): Promise<void> {
  await c.remove({ force: true }).catch(() => undefined);
}

/**
 * Attaches the console, starts the container (via `start`), streams its output and waits
 * for it to exit (or, with `--rm`, to be removed). Returns its exit code. Ctrl-C is passed
 * to the container as SIGINT (docker's sig-proxy); one that ignores it is left running.
 */
async function attachAndRun(c: Docker.Container, io: CommandIO, plan: { tty: boolean; interactive: boolean; autoRemove: boolean }, start: () => Promise<void>): Promise<number> {
  const stdin = plan.interactive && !!io.stdin;
  const stream = (await c.attach({ stream: true, stdin, stdout: true, stderr: true, hijack: stdin })) as NodeJS.ReadableStream;
  const resize = (cols: number, rows: number) => c.resize({ w: cols, h: rows });
  const attached = connectConsole(stream, io, { tty: plan.tty, stdin }, resize);
  // waiting starts before the container does, so a fast exit is not missed
  const exited = c.wait({ condition: plan.autoRemove ? 'removed' : 'next-exit' }) as Promise<{ StatusCode: number }>;
  exited.catch(() => undefined);
  try {
    await start();
  } catch (e) {
    attached.close();
    throw e;
  }
  if (stdin && plan.tty && io.stdin) await resize(io.stdin.size.cols, io.stdin.size.rows).catch(() => undefined);
  const outcome = await Promise.race([exited, aborted(io.signal)]);
  if (outcome !== 'aborted') {
    await drain(attached);
    return outcome.StatusCode;
  }
  if (!plan.tty) await c.kill({ signal: 'SIGINT' }).catch(() => undefined);
  const late = await Promise.race([exited, delay(DETACH_GRACE_MS).then(() => 'detach' as const)]);
  if (late !== 'detach') {
    await drain(attached);
    return late.StatusCode;
  }
  attached.close();
  return INTERRUPTED;
}

/** Lets the last output arrive after the exit, without hanging on a stream the daemon keeps open. */
async function drain(attached: Attached): Promise<void> {
  await Promise.race([attached.done, delay(DRAIN_MS)]);
  attached.close();
}

/** Starts a created container, turning the daemon's refusal into docker run's message and exit code. */
async function startForRun(c: Docker.Container, autoRemove: boolean): Promise<void> {
  try {
    await c.start();
  } catch (e) {
    const msg = daemonMessage(e);
    if (msg === null) throw e;
    // the daemon leaves a container that never started behind; --rm promises it is gone
    if (autoRemove) await removeQuietly(c);
    throw new DockerError(`docker: Error response from daemon: ${msg.replace(/\.$/, '')}.`, startErrorCode(msg));
  }
}

/** `docker run`: create from the locked template, start, and either print the ID (`-d`) or stream the output and return the exit code. */
export const run = realCommand(simRun.spec, async (scope, f, io) => {
  const plan = createPlan(scope, simRun.spec, f, io, 'run');
  if (plan.attach && plan.interactive && plan.tty && !io.stdin) throw new DockerError('the input device is not a TTY');
  const c = await createContainer(scope, plan, f.string('pull') ?? 'missing', io, 'run');
  if (!plan.attach) {
    await startForRun(c, plan.autoRemove);
    io.stdout(c.id);
    return 0;
  }
  return attachAndRun(c, io, plan, () => startForRun(c, plan.autoRemove));
});

/** `docker create`: prints the new container's full ID. */
export const create = realCommand(simCreate.spec, async (scope, f, io) => {
  const plan = createPlan(scope, simCreate.spec, f, io, 'create');
  const c = await createContainer(scope, plan, f.string('pull') ?? 'missing', io, 'create');
  io.stdout(c.id);
  return 0;
});

/** `docker start`: starts each container and prints its name; `-a` attaches to one and returns its exit code. */
export const start = realCommand(simStart.spec, async (scope, f, io) => {
  const attach = f.bool('attach') || f.bool('interactive');
  if (attach) {
    if (f.args.length > 1) throw new DockerError('you cannot start and attach multiple containers at once');
    const info = await findContainer(scope, f.args[0]!);
    if (!info) throw new DockerError(`Error: No such container: ${f.args[0]}`);
    const c = scope.docker.getContainer(info.Id);
    const config = (await c.inspect()).Config;
    const plan = { tty: config.Tty, interactive: f.bool('interactive') && config.OpenStdin, autoRemove: false };
    return attachAndRun(c, io, plan, async () => {
      try {
        await c.start();
      } catch (e) {
        if (statusOf(e) === 304) return;
        const msg = daemonMessage(e);
        if (msg === null) throw e;
        throw new DockerError(`Error response from daemon: ${msg}\nError: failed to start containers: ${f.args[0]}`);
      }
    });
  }
  const failed: string[] = [];
  for (const ref of f.args) {
    try {
      const info = await findContainer(scope, ref);
      if (!info) throw new DockerError(noSuchContainer(ref));
      await scope.docker.getContainer(info.Id).start().catch((e: unknown) => {
        // 304: already running, which docker start reports as success
        if (statusOf(e) !== 304) throw e;
      });
      io.stdout(ref);
    } catch (e) {
      const msg = e instanceof DockerError ? e.message : daemonMessage(e);
      if (msg === null) throw e;
      io.stderr(e instanceof DockerError ? msg : `Error response from daemon: ${msg}`);
      failed.push(ref);
    }
  }
  if (failed.length === 0) return 0;
  io.stderr(`Error: failed to start containers: ${failed.join(', ')}`);
  return 1;
});
