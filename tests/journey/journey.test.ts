/**
 * One image through its whole life in the headless engine, under both builders:
 * build, rebuild, tag, push, rmi, pull, run -d, exec, diff, stop, rm. Every step
 * checks what the terminal prints and the events the visualization draws from.
 */
import { describe, expect, it } from 'vitest';
import { dockerSession, type DockerRun } from '../../src/cli/commands/container-testing.js';
import type { BuildStepEvent, EngineEvent } from '../../src/shared/events.js';

type Builder = 'classic' | 'buildkit';
type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

const REF = 'localhost:5000/journey/app:v1';
const DOCKERFILE = 'FROM oracle-base:local\nRUN echo hello > /greeting\nCMD ["sleep", "1000"]\n';

const ofType = <T extends EngineEvent['type']>(r: DockerRun, type: T): Of<T>[] => r.events.filter((e): e is Of<T> => e.type === type);

describe.each<Builder>(['classic', 'buildkit'])('an image through its life (%s builder)', (builder) => {
  it('builds, tags, pushes, is removed, is pulled back, runs, is changed by exec, stops and is removed', () => {
    const s = dockerSession();
    const env = { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' };
    const ok = (line: string): DockerRun => {
      const r = s.docker(line, { env });
      expect(r.code, `docker ${line}\n${r.err.join('\n')}`).toBe(0);
      return r;
    };
    s.ws.write('/w/Dockerfile', DOCKERFILE);

    // build: FROM reports cached null, RUN misses as new, CMD (classic only) follows the miss
    const built = ok('build -t app:v1 .');
    expect(ofType(built, 'build.start')).toEqual([expect.objectContaining({ builder, tags: ['app:v1'] })]);
    const steps = ofType(built, 'build.step');
    const doneEvents = ofType(built, 'build.done');
    expect(doneEvents).toHaveLength(1);
    const done = doneEvents[0]!;
    const imageId = done.imageId;
    expect(imageId).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(done).toMatchObject({ layers: 2, tags: ['app:v1'] });
    if (builder === 'classic') {
      expect(steps.map((e) => [e.step, e.of, e.instruction, e.cached])).toEqual([
        [1, 3, 'FROM oracle-base:local', null],
        [2, 3, 'RUN echo hello > /greeting', false],
        [3, 3, 'CMD ["sleep", "1000"]', false],
      ]);
      expect(built.out.slice(-2)).toEqual([`Successfully built ${imageId.slice(7, 19)}`, 'Successfully tagged app:v1']);
    } else {
      expect(steps.map((e) => [e.step, e.of, e.instruction, e.cached])).toEqual([
        [1, 2, 'FROM docker.io/library/oracle-base:local', null],
        [2, 2, 'RUN echo hello > /greeting', false],
      ]);
      expect(built.err.filter((l) => / writing image sha256:/.test(l))).toEqual([expect.stringMatching(new RegExp(`^#\\d+ writing image ${imageId} done$`))]);
      expect(built.err.filter((l) => / naming to /.test(l))).toEqual([expect.stringMatching(/^#\d+ naming to docker\.io\/library\/app:v1 done$/)]);
    }
    const run = steps.find((e) => e.instruction.startsWith('RUN'))!;
    expect(run.missReason).toEqual({ kind: 'new' });
    expect(run.layer).toEqual({ diffId: expect.stringMatching(/^sha256:[a-f0-9]{64}$/), size: expect.any(Number) });
    expect(ofType(built, 'image.tagged')).toEqual([expect.objectContaining({ imageId, tag: 'app:v1' })]);

    // rebuild: every step hits the cache and yields the same image
    const rebuilt = ok('build -t app:v1 .');
    expect(ofType(rebuilt, 'build.step').map((e: BuildStepEvent) => e.cached)).toEqual(steps.map((e) => (e.cached === null ? null : true)));
    expect(ofType(rebuilt, 'build.done')[0]!.imageId).toBe(imageId);
    expect(ofType(rebuilt, 'layer.created')).toEqual([]);
    if (builder === 'classic') expect(rebuilt.out.filter((l) => l === ' ---> Using cache')).toHaveLength(2);
    else expect(rebuilt.err.filter((l) => l.endsWith(' CACHED'))).toHaveLength(1);

    // tag: silent, one image.tagged
    const tagged = ok(`tag app:v1 ${REF}`);
    expect(tagged.out).toEqual([]);
    expect(tagged.events).toEqual([{ type: 'image.tagged', imageId, tag: REF }]);

    // push: a fresh repository receives both layers
    const pushed = ok(`push ${REF}`);
    expect(pushed.out[0]).toBe('The push refers to repository [localhost:5000/journey/app]');
    const pushLayers = ofType(pushed, 'push.layer');
    expect(pushLayers.map((e) => e.status)).toEqual(['Pushed', 'Pushed']);
    expect(pushLayers[0]!.diffId).toBe(run.layer!.diffId);
    expect(pushed.out.filter((l) => l.endsWith(': Pushed'))).toEqual(pushLayers.map((e) => `${e.diffId.slice(7, 19)}: Pushed`));
    const pushDone = ofType(pushed, 'push.done');
    expect(pushDone).toHaveLength(1);
    const digest = pushDone[0]!.digest;
    expect(pushed.out[pushed.out.length - 1]).toMatch(new RegExp(`^v1: digest: ${digest} size: \\d+$`));
    expect(pushDone[0]).toMatchObject({ repository: 'localhost:5000/journey/app', tag: 'v1' });
    expect(pushDone[0]!.transfer.bytesMoved).toBe(pushLayers.reduce((n, e) => n + e.size, 0));
    expect(pushDone[0]!.transfer.bytesSaved).toBe(0);

    // rmi: both tags and the pushed digest go, then the image
    const removed = ok(`rmi ${REF} app:v1`);
    expect(removed.out.slice(0, 4)).toEqual([`Untagged: ${REF}`, `Untagged: localhost:5000/journey/app@${digest}`, 'Untagged: app:v1', `Deleted: ${imageId}`]);
    expect(ofType(removed, 'image.untagged')).toEqual([
      { type: 'image.untagged', imageId, tag: REF },
      { type: 'image.untagged', imageId, tag: 'app:v1' },
    ]);
    const deleted = ofType(removed, 'image.deleted').map((e) => e.imageId);
    expect(deleted[0]).toBe(imageId);
    const printedDeleted = removed.out.filter((l) => l.startsWith('Deleted: ')).map((l) => l.slice(9));
    expect(printedDeleted).toEqual(expect.arrayContaining(deleted));
    // FINDINGS §2: classic deletes intermediate images and layer chains too; BuildKit only the image
    if (builder === 'classic') expect(printedDeleted.length).toBeGreaterThan(deleted.length);
    else expect(printedDeleted).toEqual([imageId]);
    expect(s.engine.store.find('app:v1')).toBeUndefined();

    // pull: the same image comes back
    const pulled = ok(`pull ${REF}`);
    expect(pulled.out[0]).toBe('v1: Pulling from journey/app');
    const pullLayers = ofType(pulled, 'pull.layer');
    expect(pullLayers.map((e) => e.status)).toEqual(builder === 'classic' ? ['Already exists', 'Pull complete'] : ['Already exists', 'Already exists']);
    expect(pulled.out.filter((l) => / (Already exists|Pull complete)$/.test(l))).toEqual(pullLayers.map((e) => `${e.digest.slice(7, 19)}: ${e.status}`));
    expect(pulled.out.slice(-3)).toEqual([`Digest: ${digest}`, `Status: Downloaded newer image for ${REF}`, REF]);
    const pullDone = ofType(pulled, 'pull.done');
    expect(pullDone).toEqual([expect.objectContaining({ reference: REF, digest, imageId })]);
    expect(pullDone[0]!.transfer.bytesMoved).toBe(pullLayers.filter((e) => e.status === 'Pull complete').reduce((n, e) => n + e.size, 0));
    expect(pullDone[0]!.transfer.bytesSaved).toBe(pullLayers.filter((e) => e.status === 'Already exists').reduce((n, e) => n + e.size, 0));

    // run -d: prints the full ID; created, then running
    const started = ok(`run -d --name journey ${REF}`);
    expect(started.out).toHaveLength(1);
    const containerId = started.out[0]!;
    expect(containerId).toMatch(/^[a-f0-9]{64}$/);
    expect(started.events).toEqual([
      { type: 'container.created', containerId, name: 'journey', imageId },
      { type: 'container.state', containerId, name: 'journey', state: 'created' },
      { type: 'container.state', containerId, name: 'journey', state: 'running', previous: 'created' },
    ]);
    expect(ok("inspect -f '{{.State.Status}}' journey").out).toEqual(['running']);

    // exec writes into the container's layer; diff shows the file and its changed parent
    const exec = ok("exec journey sh -c 'echo hi > /tmp/x'");
    expect(exec.out).toEqual([]);
    expect(exec.err).toEqual([]);
    expect(exec.events.filter((e) => e.type.startsWith('container.'))).toEqual([]);
    expect(ok('exec journey cat /tmp/x').out).toEqual(['hi']);
    expect(ok('diff journey').out).toEqual(['C /tmp', 'A /tmp/x']);

    // stop: sleep ignores SIGTERM as PID 1, so it is killed: 137
    const stopped = ok('stop journey');
    expect(stopped.out).toEqual(['journey']);
    expect(stopped.events).toEqual([{ type: 'container.state', containerId, name: 'journey', state: 'exited', previous: 'running', exitCode: 137 }]);
    expect(ok("inspect -f '{{.State.ExitCode}}' journey").out).toEqual(['137']);

    // rm: removing, then removed; the image stays
    const rm = ok('rm journey');
    expect(rm.out).toEqual(['journey']);
    expect(rm.events).toEqual([
      { type: 'container.state', containerId, name: 'journey', state: 'removing', previous: 'exited' },
      { type: 'container.removed', containerId, name: 'journey' },
    ]);
    expect(ok('ps -a -q').out).toEqual([]);
    expect(s.engine.store.find(REF)?.id).toBe(imageId);
  });
});
