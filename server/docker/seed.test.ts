import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { tarBuffer } from '../tar.js';
import { findImage } from './image-scope.js';
import { testScope } from './images.fixtures.js';
import { listBaseImages, seedLessonBases } from './seed.js';
import { LABEL_BASE } from './types.js';

describeEngine('lesson bases', () => {
  const repo = `ll-adopt-${randomBytes(3).toString('hex')}`;
  const ref = `${repo}:1`;
  afterAll(async () => {
    await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
  });

  it('adopts an image the engine has (as if pulled) as a base every session may use, keeps its layers, and reports what it cannot get', async () => {
    // an image with no base label, as `docker pull` leaves one
    const rootfs = await tarBuffer((p) => p.entry({ name: 'hello.txt' }, 'from a registry\n'));
    const stream = await docker.importImage(Readable.from([rootfs]) as never, { repo, tag: '1' } as never);
    await new Promise((resolve, reject) => docker.modem.followProgress(stream as never, (e: Error | null) => (e ? reject(e) : resolve(null))));
    const before = await docker.getImage(ref).inspect();
    expect(before.Config?.Labels?.[LABEL_BASE]).toBeUndefined();
    const scope = testScope('adopt');
    expect(await findImage(scope, ref)).toBeNull();

    const results = await seedLessonBases(docker, [ref, 'busybox:latest', `${repo}:missing`], { pull: false });
    expect(results.map((r) => r.outcome)).toEqual(['adopted', 'was-base', 'unavailable']);
    const after = await docker.getImage(ref).inspect();
    expect(after.Config?.Labels?.[LABEL_BASE]).toBe('1');
    expect(after.RootFS?.Layers).toEqual(before.RootFS?.Layers);
    expect(after.Parent).toBe('');
    // the unlabelled original is not left behind untagged
    await expect(docker.getImage(before.Id).inspect()).rejects.toThrow();
    expect(await listBaseImages(docker)).toContain(ref);
    expect((await findImage(scope, ref))?.Id).toBe(after.Id);
    // a second run finds it a base already
    expect((await seedLessonBases(docker, [ref], { pull: false }))[0]!.outcome).toBe('was-base');
  });
});
