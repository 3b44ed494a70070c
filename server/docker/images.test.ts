import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { containerInspect, history, imageInspect, images, inspect, rmi, tag } from './images.js';
import { reap } from './reaper.js';
import { buildTiny, collectIO, testScope } from './images.fixtures.js';

/** The oracle's recorded stdout of a step (real docker 20.10), by scenario, variant and command. */
function oracleStdout(scenario: string, variant: string, cmd: string): string[] {
  const doc = JSON.parse(fs.readFileSync(new URL(`../../tests/oracle/scenarios/${scenario}/expected.json`, import.meta.url), 'utf8')) as { variants: Record<string, { steps: { cmd: string; stdout: string[] }[] }> };
  return doc.variants[variant]!.steps.find((s) => s.cmd === cmd)!.stdout;
}

/** A line with IDs, ages and names masked and column gaps collapsed, as the oracle's placeholders hide them. */
function shape(line: string, names: RegExp): string {
  return line
    .replace(/<img:\d+>|sha256:[0-9a-f]{64}|\b[0-9a-f]{12}\b/g, 'ID')
    .replace(/<ago>|(?:Less than a second|About an? \w+|\d+ \w+) ago/g, 'AGO')
    .replace(names, 'NAME')
    .replace(/ {2,}/g, ' | ')
    .trimEnd();
}

describeEngine('real image commands', () => {
  const a = testScope('img');
  const b = testScope('img');
  const repo = `ll-img-${randomBytes(3).toString('hex')}`;
  let appId = '';

  beforeAll(async () => {
    appId = await buildTiny(a, `${repo}/app:v1`, ['RUN echo hi > /hi.txt', 'ENV A=1', 'CMD ["cat", "/hi.txt"]']);
    await buildTiny(b, `${repo}/other:v1`, ['RUN echo other > /o.txt']);
  });
  afterAll(async () => {
    await reap(docker, { session: a.sessionId });
    await reap(docker, { session: b.sessionId });
  });

  it('lists the session images and the bases in docker images table form, not other sessions', async () => {
    const io = collectIO();
    expect(await images(a, [], io)).toBe(0);
    expect(io.out[0]).toMatch(/^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/);
    expect(io.out.some((l) => /^busybox +latest +[0-9a-f]{12} /.test(l))).toBe(true);
    expect(io.out.some((l) => l.startsWith(`${repo}/app `) && l.includes(appId.slice(7, 19)) && / ago +\d/.test(l))).toBe(true);
    expect(io.out.some((l) => l.includes(`${repo}/other`))).toBe(false);
    const q = collectIO();
    await images(a, ['-q', `${repo}/app`], q);
    expect(q.out).toEqual([appId.slice(7, 19)]);
  });

  it('prints images, history and rmi in the shapes the oracle recorded from docker 20.10', async () => {
    const names = new RegExp(`${repo}/app|s01/app|s11/app`, 'g');
    const io = collectIO();
    await images(a, [`${repo}/app`], io);
    const want = oracleStdout('01-basic-build-rebuild', 'classic', 'docker images s01/app').map((l) => shape(l, names));
    expect(io.out.map((l) => shape(l, names))).toEqual(want);
    const h = collectIO();
    await history(a, [`${repo}/app:v1`], h);
    const oracle = oracleStdout('01-basic-build-rebuild', 'classic', 'docker history s01/app:v1').map((l) => shape(l, names));
    expect(shape(h.out[0]!, names)).toBe(oracle[0]);
    expect(shape(h.out[h.out.length - 1]!, names)).toBe(oracle[oracle.length - 1]);
    const q = collectIO();
    await history(a, ['-q', `${repo}/app:v1`], q);
    expect(q.out.every((l) => shape(l, names) === 'ID')).toBe(true);
  });

  it('filters by a reference and shows --format and --no-trunc as docker does', async () => {
    const io = collectIO();
    await images(a, ['--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', `${repo}/app`], io);
    expect(io.out).toEqual([`${repo}/app:v1 ${appId}`]);
    const none = collectIO();
    await images(a, ['--filter', 'dangling=true', `${repo}/nothing`], none);
    expect(none.out).toEqual(['REPOSITORY   TAG       IMAGE ID   CREATED   SIZE']);
  });

  it('prints history newest first with the CLI columns, -q and --no-trunc --format', async () => {
    const io = collectIO();
    expect(await history(a, [`${repo}/app:v1`], io)).toBe(0);
    expect(io.out[0]).toMatch(/^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$/);
    // the LABEL rows the classic builder adds for the session's labels are not shown; the top row is the image
    expect(io.out.some((l) => l.includes('org.layerlab'))).toBe(false);
    expect(io.out[1]).toMatch(new RegExp(`^${appId.slice(7, 19)} .*CMD \\["cat" "/hi.txt"\\]`));
    expect(io.out[io.out.length - 1]).toMatch(/1\.98MB +Imported from -$/);
    const q = collectIO();
    await history(a, ['-q', `${repo}/app:v1`], q);
    expect(q.out[0]).toBe(appId.slice(7, 19));
    const fmt = collectIO();
    await history(a, ['--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', `${repo}/app:v1`], fmt);
    expect(fmt.out[0]).toBe('/bin/sh -c #(nop)  CMD ["cat" "/hi.txt"]|0B');
    expect(fmt.out).toContain('/bin/sh -c echo hi > /hi.txt|3B');
  });

  it("answers another session's image as missing", async () => {
    for (const [cmd, args, msg] of [
      [history, [`${repo}/other:v1`], `Error response from daemon: No such image: ${repo}/other:v1`],
      [tag, [`${repo}/other:v1`, 'x:y'], `Error response from daemon: No such image: ${repo}/other:v1`],
      [rmi, [`${repo}/other:v1`], `Error: No such image: ${repo}/other:v1`],
      [imageInspect, [`${repo}/other:v1`], `Error: No such image: ${repo}/other:v1`],
      [inspect, [`${repo}/other:v1`], `Error: No such object: ${repo}/other:v1`],
      [containerInspect, [`${repo}/app:v1`], `Error: No such container: ${repo}/app:v1`],
    ] as const) {
      const io = collectIO();
      expect(await cmd(a, [...args], io)).toBe(1);
      expect(io.err).toEqual([msg]);
    }
  });

  it('tags and removes with the daemon lines and the simulator events', async () => {
    const io = collectIO();
    expect(await tag(a, [`${repo}/app:v1`, `${repo}/app:v2`], io)).toBe(0);
    expect(io.events).toEqual([{ type: 'image.tagged', imageId: appId, tag: `${repo}/app:v2` }]);
    const conflict = collectIO();
    expect(await rmi(a, [appId.slice(7, 19)], conflict)).toBe(1);
    expect(conflict.err[0]).toBe(`Error response from daemon: conflict: unable to delete ${appId.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
    const un = collectIO();
    expect(await rmi(a, [`${repo}/app:v2`], un)).toBe(0);
    expect(un.out).toEqual([`Untagged: ${repo}/app:v2`]);
    expect(un.events).toEqual([{ type: 'image.untagged', imageId: appId, tag: `${repo}/app:v2` }]);
  });

  it('inspects as a 4-space indented JSON array, with -f templates and docker errors', async () => {
    const io = collectIO();
    expect(await imageInspect(a, [`${repo}/app:v1`], io)).toBe(0);
    expect(io.out[0]).toBe('[');
    expect(io.out[1]).toBe('    {');
    expect(io.out[2]).toBe(`        "Id": "${appId}",`);
    expect(io.out[io.out.length - 1]).toBe(']');
    const f = collectIO();
    await inspect(a, ['-f', '{{json .RepoTags}} {{len .RootFS.Layers}} {{json .Config.Env}}', `${repo}/app:v1`], f);
    expect(f.out).toEqual([`["${repo}/app:v1"] 2 ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","A=1"]`]);
    const ctr = await docker.createContainer({ Image: `${repo}/app:v1`, Labels: a.labels, HostConfig: { NetworkMode: 'none' } });
    const c = collectIO();
    expect(await inspect(a, ['-f', '{{.State.Status}} {{.Config.Image}} {{json .State.Running}}', ctr.id], c)).toBe(0);
    expect(c.out).toEqual([`created ${repo}/app:v1 false`]);
    await ctr.remove({ force: true });
    const missing = collectIO();
    expect(await inspect(a, ['ll-never-existed'], missing)).toBe(1);
    expect(missing.out).toEqual(['[]']);
    expect(missing.err).toEqual(['Error: No such object: ll-never-existed']);
  });

  it('never lets a session remove or re-point a base image', async () => {
    const base = (await docker.getImage('busybox:latest').inspect()).Id;
    for (const ref of ['busybox', base.slice(7, 19)]) {
      const io = collectIO();
      expect(await rmi(a, ['-f', ref], io)).toBe(1);
      expect(io.err[0]).toMatch(/^Error response from daemon: conflict: unable to delete .* \(cannot be forced\)/);
    }
    const t = collectIO();
    expect(await tag(a, [`${repo}/app:v1`, 'busybox'], t)).toBe(1);
    const theirs = collectIO();
    expect(await tag(a, [`${repo}/app:v1`, `${repo}/other:v1`], theirs)).toBe(1);
    expect(theirs.err[0]).toContain('in use by another session');
    expect((await docker.getImage('busybox:latest').inspect()).Id).toBe(base);
  });

  it('deletes an image with its untagged parents and reports image.deleted', async () => {
    const io = collectIO();
    expect(await rmi(a, [`${repo}/app:v1`], io)).toBe(0);
    expect(io.out[0]).toBe(`Untagged: ${repo}/app:v1`);
    expect(io.out[1]).toBe(`Deleted: ${appId}`);
    expect(io.events).toContainEqual({ type: 'image.deleted', imageId: appId });
    const gone = collectIO();
    expect(await rmi(a, [`${repo}/app:v1`], gone)).toBe(1);
    expect(gone.err).toEqual([`Error: No such image: ${repo}/app:v1`]);
  });
});
