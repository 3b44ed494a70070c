/** Stopping, killing, removing and diffing the session's containers on the real engine. */
import { commit as simCommit, diff as simDiff, kill as simKill, rm as simRm, stop as simStop } from '../../src/cli/commands/container-control.js';
import { eachContainer, mustFindContainer, noSuchContainerCli, realCommand, statusOf } from './container-common.js';
import { claimTags, safeNormalize } from './image-scope.js';

/** Treats the daemon's 304 (already in the wanted state) as success, as the docker CLI does. */
function unlessNotModified(e: unknown): void {
  if (statusOf(e) !== 304) throw e;
}

/** `docker stop [-t N]`: SIGTERM (or the stop signal), SIGKILL after the timeout; prints each name. */
export const stop = realCommand(simStop.spec, async (scope, f, io) => {
  const t = f.int('time');
  return eachContainer(scope, io, f.args, async (c, ref) => {
    await scope.docker.getContainer(c.Id).stop(t === undefined ? {} : { t }).catch(unlessNotModified);
    io.stdout(ref);
  });
});

/** `docker kill [-s SIGNAL]`: prints each name; a stopped container is the daemon's error. */
export const kill = realCommand(simKill.spec, async (scope, f, io) => {
  const signal = f.string('signal') ?? 'KILL';
  return eachContainer(scope, io, f.args, async (c, ref) => {
    await scope.docker.getContainer(c.Id).kill({ signal });
    io.stdout(ref);
  });
});

/** `docker rm [-f] [-v]`: a missing container is the CLI's `Error: No such container`. */
export const rm = realCommand(simRm.spec, async (scope, f, io) => {
  const force = f.bool('force');
  const v = f.bool('volumes');
  return eachContainer(
    scope,
    io,
    f.args,
    async (c, ref) => {
      await scope.docker.getContainer(c.Id).remove({ force, v });
      io.stdout(ref);
    },
    noSuchContainerCli,
  );
});

const CHANGE_KINDS = ['C', 'A', 'D'] as const;

/** Orders paths component by component, so a directory comes right before what is in it. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  return pa.length - pb.length;
}

/**
 * `docker diff`: the writable layer's changes as `A /path`, `C /path`, `D /path`. The daemon
 * lists top-level directories in Go map order (it changes from call to call); sorted, the
 * lines are the same and the output is stable for lessons and their checks.
 */
export const diff = realCommand(simDiff.spec, async (scope, f, io) => {
  const c = await mustFindContainer(scope, f.args[0]!, noSuchContainerCli);
  const changes = ((await scope.docker.getContainer(c.Id).changes()) ?? []) as { Kind: number; Path: string }[];
  for (const ch of [...changes].sort((a, b) => comparePaths(a.Path, b.Path))) io.stdout(`${CHANGE_KINDS[ch.Kind] ?? '?'} ${ch.Path}`);
  return 0;
});

/**
 * `docker commit CONTAINER [REPOSITORY[:TAG]]`: the container's writable layer as a new image.
 * The image keeps the container's labels, so it belongs to the session like a build.
 */
export const commit = realCommand(simCommit.spec, async (scope, f, io) => {
  const c = await mustFindContainer(scope, f.args[0]!, noSuchContainerCli);
  const ref = f.args[1];
  let repo: string | undefined;
  let tag: string | undefined;
  if (ref) {
    const colon = ref.lastIndexOf(':');
    [repo, tag] = colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
  }
  if (repo) await claimTags(scope, [safeNormalize(`${repo}:${tag}`)]);
  const res = (await scope.docker.getContainer(c.Id).commit({
    ...(repo ? { repo, tag } : {}),
    comment: f.string('message') ?? '',
    author: f.string('author') ?? '',
    // -p defaults to true: only an explicit --pause=false turns it off
    pause: f.string('pause') === undefined || f.bool('pause'),
    changes: f.list('change'),
  } as Record<string, unknown>)) as { Id?: string; id?: string };
  const id = res.Id ?? res.id ?? '';
  io.stdout(id);
  io.event({ type: 'image.created', imageId: id });
  if (repo) io.event({ type: 'image.tagged', imageId: id, tag: `${repo}:${tag}` });
  return 0;
});
