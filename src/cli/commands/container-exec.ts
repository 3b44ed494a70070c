/** `docker exec`: run a command in a running container, with `-it`, `-u`, `-w`, `-e`, `--env-file` and `-d`. */
import { execInContainer } from '../../engine/container/exec.js';
import { DockerError } from '../../engine/errors.js';
import { fromUtf8 } from '../../engine/hash.js';
import type { DockerCommand } from '../types.js';
import { settle, writeText } from './container-common.js';
import { envFlag } from './containers.js';

export const exec: DockerCommand = {
  spec: {
    name: 'exec',
    usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
    description: 'Run a command in a running container',
    aliases: ['container exec'],
    stopAtFirstArg: true,
    args: { min: 2 },
    flags: [
      { name: 'detach', short: 'd', type: 'bool', help: 'Detached mode: run command in the background' },
      { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
      { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
      { name: 'env-file', type: 'list', help: 'Read in a file of environment variables' },
      { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
      { name: 'privileged', type: 'bool', help: 'Give extended privileges to the command' },
      { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
      { name: 'user', short: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
      { name: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container' },
    ],
  },
  run(engine, f, io) {
    settle(engine);
    const [ref, ...argv] = f.args as [string, ...string[]];
    const env: string[] = [];
    for (const file of f.list('env-file')) {
      const bytes = io.workspace.readFile(io.workspace.resolve(file));
      if (!bytes) throw new DockerError(`open ${file}: no such file or directory`);
      for (const line of fromUtf8(bytes).split(/\r?\n/).map((l) => l.replace(/^\s+/, ''))) if (line && !line.startsWith('#')) env.push(envFlag(io, line));
    }
    env.push(...f.list('env').map((e) => envFlag(io, e)));
    const c = engine.findContainer(ref);
    if (!c) throw new DockerError(`Error: No such container: ${ref}`);
    const tty = f.bool('tty');
    const res = execInContainer(engine, c, argv, { user: f.string('user'), workdir: f.string('workdir'), env, detach: f.bool('detach'), interactive: f.bool('interactive'), tty, stdin: io.stdin }, ref);
    writeText(res.stdout, (l) => io.stdout(l));
    writeText(res.stderr, (l) => (tty ? io.stdout(l) : io.stderr(l)));
    return res.exitCode;
  },
};
