/** `docker exec` on the real engine: a command in a running container of the session, with `-it` through the console's terminal. */
import { exec as simExec } from '../../src/cli/commands/container-exec.js';
import { DockerError } from '../../src/engine/errors.js';
import { aborted, connectConsole, delay } from './container-attach.js';
import { INTERRUPTED, mustFindContainer, noSuchContainerCli, realCommand } from './container-common.js';

/** How long to wait for the daemon to record an exec's exit code after its stream ended. */
const EXIT_CODE_WAIT_MS = 2000;

/** `docker exec [-d] [-i] [-t] [-e K=V] [-w DIR] [-u USER] CONTAINER COMMAND [ARG...]`: returns the command's exit code. */
export const exec = realCommand(simExec.spec, async (scope, f, io) => {
  const [ref, ...cmd] = f.args as [string, ...string[]];
  if (f.list('env-file').length) throw new DockerError('layerlab: --env-file is not available in real mode; use -e NAME=value');
  const interactive = f.bool('interactive');
  const tty = f.bool('tty');
  const detach = f.bool('detach');
  if (interactive && tty && !detach && !io.stdin) throw new DockerError('the input device is not a TTY');
  const info = await mustFindContainer(scope, ref, noSuchContainerCli);
  const container = scope.docker.getContainer(info.Id);
  const stdin = interactive && !detach && !!io.stdin;
  const ex = await container.exec({
    Cmd: cmd,
    // `-e NAME` takes the value of NAME in the console's environment, or stays a bare name
    Env: f.list('env').map((e) => (e.includes('=') || !(e in io.env) ? e : `${e}=${io.env[e]}`)),
    WorkingDir: f.string('workdir'),
    User: f.string('user'),
    Tty: tty,
    AttachStdin: stdin,
    AttachStdout: !detach,
    AttachStderr: !detach,
    // --privileged is refused by the policy layer; an exec never gets more than its container
    Privileged: false,
  });
  if (detach) {
    await ex.start({ Detach: true, Tty: tty });
    return 0;
  }
  const stream = (await ex.start({ hijack: stdin, stdin, Detach: false, Tty: tty })) as NodeJS.ReadableStream;
  const resize = (cols: number, rows: number) => ex.resize({ w: cols, h: rows });
  const attached = connectConsole(stream, io, { tty, stdin }, resize);
  if (stdin && tty && io.stdin) await resize(io.stdin.size.cols, io.stdin.size.rows).catch(() => undefined);
  // docker exec forwards no signals: Ctrl-C leaves the command running and gives the console back
  const outcome = await Promise.race([attached.done, aborted(io.signal)]);
  if (outcome === 'aborted') {
    attached.close();
    return INTERRUPTED;
  }
  const deadline = Date.now() + EXIT_CODE_WAIT_MS;
  for (;;) {
    const state = await ex.inspect();
    if (!state.Running && state.ExitCode !== null) return state.ExitCode;
    if (Date.now() > deadline) return 0;
    await delay(50);
  }
});
