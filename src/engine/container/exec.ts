/**
 * `docker exec`: another process in a running container. It sees the same
 * filesystem (its writes land in the container's writable layer and volumes),
 * gets the next PIDs of the container's namespace, and `ps` lists it beside
 * PID 1. Output goes to the caller, not to the container's log.
 */
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { normalize } from '../fs/path.js';
import { resolveUser } from '../fs/passwd.js';
import { lookupCommand } from '../shell/exec.js';
import { PIDS_PER_EXEC, processEnv, runInContainer } from './process.js';
import { openContainer } from './rootfs.js';
import type { ContainerRecord } from './types.js';

export interface ExecOptions {
  /** `-u user[:group]` (default: the container's USER). */
  user?: string;
  /** `-w` (default: the container's working directory). */
  workdir?: string;
  /** `-e` and `--env-file` entries, after the container's own. */
  env?: string[];
  /** `-d`: start it and return; errors then come from the daemon (exit 1). */
  detach?: boolean;
  /** `-i`: stdin is attached (what `stdin` holds, then EOF). */
  interactive?: boolean;
  tty?: boolean;
  stdin?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Checks that a container can run an exec (Docker's messages otherwise); `ref` is the name the user typed. */
export function checkExecState(c: ContainerRecord, ref: string): void {
  const st = c.state.status;
  if (st === 'paused') throw new DockerError(`Error response from daemon: Container ${ref} is paused, unpause the container before exec`);
  if (st === 'restarting') throw new DockerError(`Error response from daemon: Container ${c.id} is restarting, wait until the container is running`);
  if (st !== 'running') throw new DockerError(`Error response from daemon: Container ${c.id} is not running`);
}

/** Runs a command in a running container; `ref` is the container as the user named it. */
export function execInContainer(engine: Engine, c: ContainerRecord, argv: string[], opts: ExecOptions = {}, ref = c.name): ExecResult {
  checkExecState(c, ref);
  // runc's failures: printed as they are when attached (126); through the daemon with -d (1)
  const fail = (msg: string, attachedPrefix = 'OCI runtime exec failed: exec failed: unable to start container process: '): never => {
    if (opts.detach) throw new DockerError(`Error response from daemon: ${attachedPrefix}${msg}`, 1);
    throw new DockerError(`${attachedPrefix}${msg}`, 126);
  };
  const view = openContainer(engine, c);
  let user;
  try {
    user = resolveUser(view.fs, opts.user ?? (c.config.User || '0'));
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    return fail(e.message, '');
  }
  const cwd = normalize(opts.workdir || c.config.WorkingDir || '/');
  if (view.fs.stat(cwd)?.type !== 'dir') fail(`chdir to cwd ("${cwd}") set in config.json failed: no such file or directory: unknown`);
  const env = processEnv(c, user.home, opts.env ?? []);
  if (opts.tty) env.TERM = 'xterm';
  const found = lookupCommand({ fs: view.fs, cwd, uid: user.uid, gid: user.gid }, argv[0] ?? '', env.PATH);
  if (found.kind === 'notfound') fail(`exec: "${argv[0]}": executable file not found in $PATH: unknown`);
  if (found.kind === 'denied') fail(`exec: "${argv[0]}": permission denied: unknown`);
  const pidBase = c.nextPid ?? 1 + PIDS_PER_EXEC;
  if (user.uid === 0 && engine.live?.owns(c.id) && engine.live.exec({ containerId: c.id, fs: view.fs, argv, env, cwd, attached: !opts.detach })) {
    // the live runtime runs it beside the real PID 1; the caller gets its output and exit later
    c.nextPid = pidBase + PIDS_PER_EXEC;
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  const res = runInContainer(engine, c, view, {
    argv,
    user,
    cwd,
    env,
    stdin: opts.interactive && !opts.detach ? (opts.stdin ?? '') : '',
    interactive: !!opts.interactive && !!opts.detach,
    pidBase,
    others: c.processes ?? [],
  });
  view.commit();
  c.nextPid = pidBase + PIDS_PER_EXEC;
  if (res.server) {
    (c.processes ??= []).push({ pid: pidBase, hostPid: (c.processes[0]?.hostPid ?? 2000) + (pidBase - 1) * 4, uid: res.server.uid, argv: res.server.argv, started: engine.now() });
  }
  if (opts.detach) return { exitCode: 0, stdout: '', stderr: '' };
  return { exitCode: res.server ? 0 : res.exitCode, stdout: res.stdout, stderr: res.stderr };
}
