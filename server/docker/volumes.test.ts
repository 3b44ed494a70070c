import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { collectIO, testScope } from './images.fixtures.js';
import { reap } from './reaper.js';
import { LABEL_SESSION } from './types.js';
import { volumeCreate, volumeInspect, volumeLs, volumeRm } from './volumes.js';

describeEngine('real volume commands', () => {
  const a = testScope('vol');
  const b = testScope('vol');
  const pre = `ll-vol-${randomBytes(3).toString('hex')}`;
  let ctrId = '';
  let anon = '';

  beforeAll(async () => {
    await volumeCreate(b, [`${pre}-other`], collectIO());
    // a container of session a with an anonymous volume, never started
    const c = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['true'], Labels: a.labels, HostConfig: { Binds: [`${pre}-used:/used`] }, Volumes: { '/anon': {} } });
    ctrId = c.id;
    anon = ((await c.inspect()).Mounts.find((m) => m.Destination === '/anon') as { Name: string }).Name;
  });
  afterAll(async () => {
    await reap(docker, { session: a.sessionId });
    await reap(docker, { session: b.sessionId });
  });

  it('creates a named volume with the session labels and a volume.created event', async () => {
    const io = collectIO();
    expect(await volumeCreate(a, [`${pre}-data`, '--label', 'team=x'], io)).toBe(0);
    expect(io.out).toEqual([`${pre}-data`]);
    expect(io.events).toEqual([{ type: 'volume.created', name: `${pre}-data` }]);
    const v = await docker.getVolume(`${pre}-data`).inspect();
    expect(v.Labels).toMatchObject({ team: 'x', [LABEL_SESSION]: a.sessionId });
  });

  it("lists the session's named and anonymous volumes as docker volume ls does, not other sessions'", async () => {
    const io = collectIO();
    expect(await volumeLs(a, [], io)).toBe(0);
    expect(io.out[0]).toBe('DRIVER    VOLUME NAME');
    expect(io.out).toContain(`local     ${pre}-data`);
    expect(io.out).toContain(`local     ${anon}`);
    expect(io.out.some((l) => l.includes(`${pre}-other`))).toBe(false);
    const filtered = collectIO();
    await volumeLs(a, ['--filter', `name=${pre}-d`], filtered);
    expect(filtered.out).toEqual(['DRIVER    VOLUME NAME', `local     ${pre}-data`]);
    const q = collectIO();
    await volumeLs(b, ['-q'], q);
    expect(q.out).toEqual([`${pre}-other`]);
  });

  it('inspects with -f and as JSON, and words a missing volume as the daemon does', async () => {
    const io = collectIO();
    await volumeInspect(a, ['-f', '{{.Name}} {{.Driver}} {{.Scope}}', `${pre}-data`], io);
    expect(io.out).toEqual([`${pre}-data local local`]);
    const json = collectIO();
    await volumeInspect(a, [`${pre}-data`], json);
    expect(json.out.slice(0, 3)).toEqual(['[', '    {', expect.stringMatching(/^        "CreatedAt": "/)]);
    const missing = collectIO();
    expect(await volumeInspect(a, [`${pre}-other`], missing)).toBe(1);
    expect(missing.out).toEqual(['[]']);
    expect(missing.err).toEqual([`Error response from daemon: get ${pre}-other: no such volume`]);
  });

  it("refuses a name another session holds, and another session's volume is missing to rm", async () => {
    const io = collectIO();
    expect(await volumeCreate(a, [`${pre}-other`], io)).toBe(1);
    const rm = collectIO();
    expect(await volumeRm(a, [`${pre}-other`], rm)).toBe(1);
    expect(rm.err).toEqual([`Error response from daemon: get ${pre}-other: no such volume`]);
  });

  it('removes volumes with volume.removed, and reports one in use as the daemon does', async () => {
    const used = collectIO();
    expect(await volumeRm(a, [`${pre}-used`], used)).toBe(1);
    expect(used.err).toEqual([`Error response from daemon: remove ${pre}-used: volume is in use - [${ctrId}]`]);
    const io = collectIO();
    expect(await volumeRm(a, [`${pre}-data`], io)).toBe(0);
    expect(io.out).toEqual([`${pre}-data`]);
    expect(io.events).toEqual([{ type: 'volume.removed', name: `${pre}-data` }]);
  });
});
