/** Changing running containers and removing them: stop, kill, restart, pause, unpause, rename, wait, rm, container prune, diff, commit. */
import { commitContainer, containerDiff, isRunning, killContainer, pauseContainer, pruneContainers, removeContainer, renameContainer, restartContainer, stopContainer, unpauseContainer } from '../../engine/container/lifecycle.js';
import type { ContainerRecord } from '../../engine/container/types.js';
import { DockerError } from '../../engine/errors.js';
import { humanSize4 } from '../../shared/format/units.js';
import type { DockerCommand } from '../types.js';
import { eachContainer, mustFind, settle } from './container-common.js';
import { containerFilter } from './container-list.js';

const timeFlag = { name: 'time', short: 't', type: 'int' as const, help: 'Seconds to wait for stop before killing it', default: '10' };

export const stop: DockerCommand = {
  spec: { name: 'stop', usage: '[OPTIONS] CONTAINER [CONTAINER...]', description: 'Stop one or more running containers', aliases: ['container stop'], args: { min: 1 }, flags: [timeFlag] },
  run(engine, f, io) {
    const timeout = f.int('time');
    return eachContainer(engine, io, f.args, (c, n) => {
      stopContainer(engine, c, { timeout });
      io.stdout(n);
    }).code;
  },
};

export const kill: DockerCommand = {
  spec: { name: 'kill', usage: '[OPTIONS] CONTAINER [CONTAINER...]', description: 'Kill one or more running containers', aliases: ['container kill'], args: { min: 1 }, flags: [{ name: 'signal', short: 's', type: 'string', help: 'Signal to send to the container', default: '"KILL"' }] },
  run(engine, f, io) {
    const signal = f.string('signal') ?? 'KILL';
    return eachContainer(engine, io, f.args, (c, n) => {
      killContainer(engine, c, signal, n);
      io.stdout(n);
    }).code;
  },
};

export const restart: DockerCommand = {
  spec: { name: 'restart', usage: '[OPTIONS] CONTAINER [CONTAINER...]', description: 'Restart one or more containers', aliases: ['container restart'], args: { min: 1 }, flags: [timeFlag] },
  run(engine, f, io) {
    const timeout = f.int('time');
    return eachContainer(engine, io, f.args, (c, n) => {
      restartContainer(engine, c, { timeout });
      io.stdout(n);
    }).code;
  },
};

export const pause: DockerCommand = {
  spec: { name: 'pause', usage: 'CONTAINER [CONTAINER...]', description: 'Pause all processes within one or more containers', aliases: ['container pause'], args: { min: 1 }, flags: [] },
  run(engine, f, io) {
    return eachContainer(engine, io, f.args, (c, n) => {
      pauseContainer(engine, c);
      io.stdout(n);
    }).code;
  },
};

export const unpause: DockerCommand = {
  spec: { name: 'unpause', usage: 'CONTAINER [CONTAINER...]', description: 'Unpause all processes within one or more containers', aliases: ['container unpause'], args: { min: 1 }, flags: [] },
  run(engine, f, io) {
    return eachContainer(engine, io, f.args, (c, n) => {
      unpauseContainer(engine, c);
      io.stdout(n);
    }).code;
  },
};

export const rename: DockerCommand = {
  spec: { name: 'rename', usage: 'CONTAINER NEW_NAME', description: 'Rename a container', aliases: ['container rename'], args: { exact: 2 }, flags: [] },
  run(engine, f, io) {
    settle(engine);
    const [old, name] = f.args as [string, string];
    if (old.trim() === '' || name.trim() === '') throw new DockerError('Error: Neither old nor new names may be empty');
    try {
      renameContainer(engine, mustFind(engine, old), name);
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      io.stderr(e.message);
      throw new DockerError(`Error: failed to rename container named ${old}`);
    }
    return 0;
  },
};

export const wait: DockerCommand = {
  spec: { name: 'wait', usage: 'CONTAINER [CONTAINER...]', description: 'Block until one or more containers stop, then print their exit codes', aliases: ['container wait'], args: { min: 1 }, flags: [] },
  run(engine, f, io) {
    return eachContainer(engine, io, f.args, (c: ContainerRecord, n) => {
      // the simulator cannot block: a container that runs until stopped has no exit code yet
      if (isRunning(c) || c.state.status === 'restarting') throw new DockerError(`layerlab: ${n} is still running; docker wait would block until it stops (stop it first)`);
      io.stdout(String(c.state.exitCode));
    }).code;
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
    ).code;
  },
};

export const containerPrune: DockerCommand = {
  spec: { name: 'container prune', usage: '[OPTIONS]', description: 'Remove all stopped containers', args: { max: 0 }, flags: [{ name: 'filter', type: 'list', meta: 'filter', help: "Provide filter values (e.g. 'until=<timestamp>')" }, { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' }] },
  run(engine, f, io) {
    settle(engine);
    const matches = containerFilter(engine, f.list('filter'), ['until', 'label', 'label!']);
    if (!f.bool('force')) {
      io.stdout('WARNING! This will remove all stopped containers.');
      io.stdout('Are you sure you want to continue? [y/N] ');
      if (!/^y(es)?$/i.test((io.stdin ?? '').split('\n')[0]!.trim())) {
        io.stdout('Total reclaimed space: 0B');
        return 0;
      }
    }
    const { removed, reclaimed } = pruneContainers(engine, (c) => !matches(c));
    if (removed.length > 0) {
      io.stdout('Deleted Containers:');
      for (const id of removed) io.stdout(id);
      io.stdout('');
    }
    io.stdout(`Total reclaimed space: ${humanSize4(reclaimed)}`);
    return 0;
  },
};

export const diff: DockerCommand = {
  spec: { name: 'diff', usage: 'CONTAINER', description: "Inspect changes to files or directories on a container's filesystem", aliases: ['container diff'], args: { exact: 1 }, flags: [] },
  run(engine, f, io) {
    settle(engine);
    const c = mustFind(engine, f.args[0]!, (n) => `Error: No such container: ${n}`);
    for (const l of containerDiff(c, engine)) io.stdout(l);
    return 0;
  },
};

export const commit: DockerCommand = {
  spec: {
    name: 'commit',
    usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
    description: "Create a new image from a container's changes",
    aliases: ['container commit'],
    args: { min: 1, max: 2 },
    flags: [
      { name: 'author', short: 'a', type: 'string', help: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
      { name: 'change', short: 'c', type: 'list', help: 'Apply Dockerfile instruction to the created image' },
      { name: 'message', short: 'm', type: 'string', help: 'Commit message' },
      { name: 'pause', short: 'p', type: 'bool', help: 'Pause container during commit', default: 'true' },
    ],
  },
  run(engine, f, io) {
    settle(engine);
    const c = mustFind(engine, f.args[0]!);
    io.stdout(commitContainer(engine, c, f.args[1]).id);
    return 0;
  },
};
