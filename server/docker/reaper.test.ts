import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { buildTiny, testScope } from './images.fixtures.js';
import { ORPHAN_AGE_SECONDS, orphanContainers, orphanImages, reap } from './reaper.js';
import { instanceOf, LABEL_SESSION, type SessionScope } from './types.js';

describeEngine('reap', () => {
  const instance = `test-reap-${randomBytes(4).toString('hex')}`;
  const a = testScope('reap', instance);
  const b = testScope('reap', instance);
  const tag = `ll-reap-${randomBytes(3).toString('hex')}`;
  let baseId = '';

  /** A container (running, with an anonymous volume and an unlabelled named one), a labelled volume, a built image and a committed one. */
  async function populate(s: SessionScope, name: string): Promise<void> {
    await buildTiny(s, `${tag}/${name}:built`, [`RUN echo ${name} > /n.txt`, 'CMD ["sh"]']);
    await docker.createVolume({ Name: `${tag}-${name}-vol`, Labels: s.labels });
    const c = await docker.createContainer({ Image: `${tag}/${name}:built`, Cmd: ['sleep', '300'], Labels: s.labels, Volumes: { '/anon': {} }, HostConfig: { NetworkMode: 'none', Binds: [`${tag}-${name}-named:/named`] } });
    await c.start();
    await c.commit({ repo: `${tag}/${name}`, tag: 'committed', changes: Object.entries(s.labels).map(([k, v]) => `LABEL ${k}=${v}`) } as never);
  }

  async function leftovers(session: string): Promise<{ containers: number; images: number; volumes: number }> {
    const filters = JSON.stringify({ label: [`${LABEL_SESSION}=${session}`] });
    const [containers, images, volumes] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listImages({ all: true, filters }), docker.listVolumes({ filters })]);
    return { containers: containers.length, images: images.length, volumes: (volumes.Volumes ?? []).length };
  }

  beforeAll(async () => {
    baseId = (await docker.getImage('busybox:latest').inspect()).Id;
    await Promise.all([populate(a, 'a'), populate(b, 'b')]);
  });
  afterAll(async () => {
    await reap(docker, { instance });
  });

  it('removes one session (containers with their volumes, volumes, images) and leaves the other', async () => {
    const anonOfA = (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_SESSION}=${a.sessionId}`] }) }))[0]!.Mounts.map((m) => m.Name).filter(Boolean) as string[];
    const counts = await reap(docker, { session: a.sessionId });
    expect(counts).toEqual({ containers: 1, images: 2, volumes: 2 });
    expect(await leftovers(a.sessionId)).toEqual({ containers: 0, images: 0, volumes: 0 });
    const names = new Set((await docker.listVolumes()).Volumes.map((v) => v.Name));
    for (const n of anonOfA) expect(names.has(n)).toBe(false);
    expect(await leftovers(b.sessionId)).toEqual({ containers: 1, images: 2, volumes: 1 });
    await expect(docker.getImage(`${tag}/b:built`).inspect()).resolves.toBeTruthy();
  });

  it('takes the step images and container a failed classic build left (no label reaches them) on a launch-wide reap', async () => {
    const marker = randomBytes(4).toString('hex');
    await expect(buildTiny(b, `${tag}/failed:1`, [`RUN echo ${marker} > /m.txt`, `RUN exit 3 # ${marker}`])).rejects.toThrow();
    // the failed step's container names the image of the step before it
    const failed = (await docker.listContainers({ all: true })).find((c) => c.Command.includes(marker))!;
    expect(failed).toBeTruthy();
    const exists = async () => ({
      container: await docker.getContainer(failed.Id).inspect().then(() => true, () => false),
      image: await docker.getImage(failed.ImageID).inspect().then(() => true, () => false),
    });
    // a session reap cannot tell whose they are, and a young one may be a build in flight
    await reap(docker, { session: `${b.sessionId}-none` });
    await reap(docker, { instance: `${instance}-none` });
    expect(await exists()).toEqual({ container: true, image: true });
    // once old enough they are taken (tried on the list, as an age-0 reap would break other builds in flight)
    const later = Date.now() / 1000 + ORPHAN_AGE_SECONDS;
    expect(orphanContainers(await docker.listContainers({ all: true }), later, ORPHAN_AGE_SECONDS).map((c) => c.Id)).toContain(failed.Id);
    expect(orphanImages((await docker.listImages({ all: true })) as never, later, ORPHAN_AGE_SECONDS).map((i) => i.Id)).toContain(failed.ImageID);
    await docker.getContainer(failed.Id).remove({ force: true });
    await docker.getImage(failed.ImageID).remove();
  });

  it('removes every launch but the one named, then everything labelled, never the base', async () => {
    await reap(docker, { allInstancesBut: instance });
    expect((await leftovers(b.sessionId)).containers).toBe(1);
    const counts = await reap(docker, { instance });
    expect(counts).toEqual({ containers: 1, images: 2, volumes: 2 });
    expect(await leftovers(b.sessionId)).toEqual({ containers: 0, images: 0, volumes: 0 });
    // built images carry only the session label, whose id names the launch
    const labelled = await docker.listImages({ all: true, filters: JSON.stringify({ label: [LABEL_SESSION] }) });
    expect(labelled.filter((i) => instanceOf(i.Labels) === instance)).toEqual([]);
    expect((await docker.getImage('busybox:latest').inspect()).Id).toBe(baseId);
    await expect(docker.getImage(`${tag}/b:built`).inspect()).rejects.toThrow();
  });
});
