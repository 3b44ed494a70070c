import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/events.js';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { cleanupSession, eventually, recordingConsole, statesOf, testScope } from './container-testing.js';
import { daemonMessage, Demuxer, LineSplitter } from './container-common.js';
import { comparePaths } from './container-control.js';
import { apiTimestamp } from './container-logs.js';
import { create, diff, kill, logs, ps, rm, run, start, startErrorCode, stop } from './containers.js';
import { watchEngineEvents } from './engine-events.js';
import { lockedHostConfig } from './template.js';
import { LABEL_SESSION, type RealCommand } from './types.js';

const IMAGE = 'busybox:latest';

describeEngine('container commands on the real engine', () => {
  const scope = testScope(docker);
  const other = testScope(docker);
  const events: EngineEvent[] = [];
  const watching = new AbortController();
  let watcher: Promise<void>;

  /** Runs a command on a fresh recording console. */
  async function sh(cmd: RealCommand, argv: string[], terminal = false) {
    const con = recordingConsole(terminal);
    const code = await cmd(scope, argv, con.io);
    return { code, out: con.out, err: con.err };
  }

  beforeAll(() => {
    watcher = watchEngineEvents(docker, scope.sessionId, (e) => events.push(e), watching.signal);
  });

  afterAll(async () => {
    watching.abort();
    await watcher;
    await cleanupSession(docker, scope.sessionId);
    await cleanupSession(docker, other.sessionId);
  });

  it('creates, starts, stops, starts, kills and removes, with the states and exit codes the engine reports', async () => {
    const name = `${scope.sessionId}-life`;
    const created = await sh(create, ['--name', name, IMAGE, 'sleep', '300']);
    expect(created).toMatchObject({ code: 0, err: [] });
    expect(created.out[0]).toMatch(/^[0-9a-f]{64}$/);
    const id = created.out[0]!;
    expect(await sh(start, [name])).toEqual({ code: 0, out: [name], err: [] });
    // busybox sleep as PID 1 ignores SIGTERM, so stop ends in SIGKILL: 137, as the oracle recorded
    expect(await sh(stop, ['-t', '1', name])).toEqual({ code: 0, out: [name], err: [] });
    expect(await sh(start, [id.slice(0, 12)])).toEqual({ code: 0, out: [id.slice(0, 12)], err: [] });
    expect(await sh(kill, [name])).toEqual({ code: 0, out: [name], err: [] });
    expect(await sh(rm, [id])).toEqual({ code: 0, out: [id], err: [] });
    const want = ['container.created', '->created', 'created>running', 'running>exited(137)', 'exited>running', 'running>exited(137)', 'exited>removing', 'container.removed'];
    await eventually(() => statesOf(events, id).length >= want.length, 10_000, 'lifecycle events');
    expect(statesOf(events, id)).toEqual(want);
    const createdEvent = events.find((e) => e.type === 'container.created' && e.containerId === id);
    expect(createdEvent).toMatchObject({ name, imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  });

  it('runs attached: stdout and stderr lines, then the exit code', async () => {
    const r = await sh(run, ['--name', `${scope.sessionId}-att`, IMAGE, 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ code: 3, out: ['out'], err: ['err'] });
  });

  it('removes a --rm container after it ran', async () => {
    const name = `${scope.sessionId}-rm`;
    expect(await sh(run, ['--rm', '--name', name, IMAGE, 'echo', 'hi'])).toEqual({ code: 0, out: ['hi'], err: [] });
    expect(await docker.listContainers({ all: true, filters: { name: [name] } })).toEqual([]);
  });

  it('answers a missing binary as docker run does: the daemon message and 127', async () => {
    const r = await sh(run, ['--rm', IMAGE, 'nope']);
    expect(r.code).toBe(127);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([expect.stringMatching(/^docker: Error response from daemon: failed to create shim task: OCI runtime create failed: .*exec: "nope": executable file not found in \$PATH: unknown\.$/)]);
  });

  it('runs detached, prints the full ID, and shows the logs, following them until Ctrl-C', async () => {
    const name = `${scope.sessionId}-logs`;
    const d = await sh(run, ['-d', '--name', name, IMAGE, 'sh', '-c', 'echo one; echo oops >&2; sleep 1; echo two; sleep 300']);
    expect(d.code).toBe(0);
    expect(d.out).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    await eventually(async () => (await sh(logs, [name])).out.includes('two'), 10_000, 'the second line');
    expect(await sh(logs, [name])).toEqual({ code: 0, out: ['one', 'two'], err: ['oops'] });
    expect((await sh(logs, ['--tail', '1', name])).out).toEqual(['two']);
    const con = recordingConsole();
    const following = logs(scope, ['-f', name], con.io);
    await eventually(() => con.out.includes('two'), 10_000, 'followed output');
    con.interrupt();
    expect(await following).toBe(130);
    expect(con.out).toEqual(['one', 'two']);
  });

  it("lists only the session's containers in docker's table, and cannot touch another session's", async () => {
    const name = `${scope.sessionId}-ps`;
    const foreign = `${other.sessionId}-foreign`;
    await sh(create, ['--name', name, IMAGE, 'sleep', '300']);
    const f = await docker.createContainer({ name: foreign, Image: IMAGE, Cmd: ['sleep', '300'], Labels: other.labels, HostConfig: lockedHostConfig() });
    const all = await sh(ps, ['-a']);
    expect(all.code).toBe(0);
    expect(all.out[0]!.split(/ {2,}/)).toEqual(['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']);
    const rows = all.out.slice(1);
    expect(rows.some((r) => r.endsWith(` ${name}`))).toBe(true);
    expect(rows.some((r) => r.includes(foreign) || r.startsWith(f.id.slice(0, 12)))).toBe(false);
    const mine = rows.find((r) => r.endsWith(` ${name}`))!;
    // columns line up under the header, as docker's tabwriter lays them out
    expect(mine).toMatch(/^[0-9a-f]{12} {3}busybox:latest {3}"sleep 300" +(Less than a second|\d+ seconds?) ago +Created +\S+$/);
    expect(mine.indexOf('Created')).toBe(all.out[0]!.indexOf('STATUS'));
    expect((await sh(ps, [])).out.some((r) => r.endsWith(` ${name}`))).toBe(false);
    expect(await sh(ps, ['-a', '--filter', `name=${name}`, '--format', '{{.Names}}|{{.Status}}|{{.Command}}'])).toEqual({ code: 0, out: [`${name}|Created|"sleep 300"`], err: [] });
    expect(await sh(ps, ['-a', '--filter', `name=${foreign}`, '-q'])).toEqual({ code: 0, out: [], err: [] });
    expect(await sh(rm, [foreign])).toEqual({ code: 1, out: [], err: [`Error: No such container: ${foreign}`] });
    expect(await sh(rm, [f.id.slice(0, 12)])).toEqual({ code: 1, out: [], err: [`Error: No such container: ${f.id.slice(0, 12)}`] });
    expect(await sh(stop, [foreign])).toEqual({ code: 1, out: [], err: [`Error response from daemon: No such container: ${foreign}`] });
    expect(await sh(start, [foreign])).toEqual({ code: 1, out: [], err: [`Error response from daemon: No such container: ${foreign}`, `Error: failed to start containers: ${foreign}`] });
    expect((await docker.getContainer(f.id).inspect()).State.Status).toBe('created');
  });

  it("prints docker diff's A/C/D lines (the oracle's writable-layer scenario)", async () => {
    const writer = `${scope.sessionId}-writer`;
    expect(await sh(run, ['--name', writer, IMAGE, 'sh', '-c', 'echo scratch > /data.txt && cat /data.txt'])).toEqual({ code: 0, out: ['scratch'], err: [] });
    expect(await sh(diff, [writer])).toEqual({ code: 0, out: ['A /data.txt'], err: [] });
    const changer = `${scope.sessionId}-changer`;
    await sh(run, ['--name', changer, IMAGE, 'sh', '-c', 'rm /etc/group && echo x >> /etc/passwd && mkdir -p /a/b && touch /a/b/c /zz']);
    expect((await sh(diff, [changer])).out).toEqual(['A /a', 'A /a/b', 'A /a/b/c', 'C /etc', 'D /etc/group', 'C /etc/passwd', 'A /zz']);
    expect(await sh(diff, ['nope-nothing'])).toEqual({ code: 1, out: [], err: ['Error: No such container: nope-nothing'] });
  });

  it('keeps a named volume, made with the session label, across containers', async () => {
    const vol = `${scope.sessionId}-data`;
    expect(await sh(run, ['--rm', '-v', `${vol}:/data`, IMAGE, 'sh', '-c', 'echo persisted > /data/f.txt'])).toMatchObject({ code: 0 });
    expect(await sh(run, ['--rm', '-v', `${vol}:/data`, IMAGE, 'cat', '/data/f.txt'])).toEqual({ code: 0, out: ['persisted'], err: [] });
    expect((await docker.getVolume(vol).inspect()).Labels?.[LABEL_SESSION]).toBe(scope.sessionId);
    await eventually(() => events.some((e) => e.type === 'volume.created' && e.name === vol), 5000, 'volume.created');
    const host = await sh(run, ['--rm', '-v', '/etc:/host', IMAGE, 'true']);
    expect(host.code).toBe(125);
  });

  it('pulls a missing image first and reports a failed pull as docker run does', async () => {
    const r = await sh(run, ['--rm', '127.0.0.1:1/layerlab/missing:1']);
    expect(r.code).toBe(125);
    expect(r.err[0]).toBe("Unable to find image '127.0.0.1:1/layerlab/missing:1' locally");
    expect(r.err[1]).toMatch(/^docker: Error response from daemon: Get "https?:\/\/127\.0\.0\.1:1\/v2\/": .*\.$/);
    expect(r.err[2]).toBe("See 'docker run --help'.");
  });

  it('answers a name already in use with the daemon conflict, exit 125', async () => {
    const name = `${scope.sessionId}-dup`;
    await sh(create, ['--name', name, IMAGE, 'true']);
    const r = await sh(run, ['--name', name, IMAGE, 'true']);
    expect(r.code).toBe(125);
    expect(r.err[0]).toMatch(new RegExp(`^docker: Error response from daemon: Conflict\\. The container name "/${name}" is already in use`));
    const c = await sh(create, ['--name', name, IMAGE, 'true']);
    expect(c.code).toBe(1);
    expect(c.err[0]).toMatch(/^Error response from daemon: Conflict\./);
  });

  it('runs -it through the console terminal', async () => {
    const con = recordingConsole(true);
    const running = run(scope, ['-it', '--rm', IMAGE, 'sh'], con.io);
    await eventually(() => con.tty().includes('#'), 10_000, 'the prompt');
    con.type('echo hi\r');
    await eventually(() => /\r\nhi\r\n/.test(con.tty()), 10_000, 'hi');
    con.type('exit\r');
    expect(await running).toBe(0);
  });

  it('makes every container from the locked template', async () => {
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${scope.sessionId}`] } });
    expect(list.length).toBeGreaterThan(2);
    for (const c of list) {
      const host = (await docker.getContainer(c.Id).inspect()).HostConfig;
      expect(host.CapDrop).toEqual(['ALL']);
      expect(host.SecurityOpt).toContain('no-new-privileges');
      expect(host.PidsLimit).toBeGreaterThan(0);
      expect(host.Privileged).toBe(false);
      expect(host.NetworkMode).toBe('none');
    }
  });
});

describe('container command helpers', () => {
  it('reads the daemon message from JSON bodies and from streamed errors', () => {
    expect(daemonMessage({ statusCode: 404, json: { message: 'No such container: x' } })).toBe('No such container: x');
    expect(daemonMessage({ statusCode: 500, json: null, reason: 'server error', message: '(HTTP code 500) server error - Get "https://r/v2/": no such host ' })).toBe('Get "https://r/v2/": no such host');
    expect(daemonMessage(new Error('plain'))).toBeNull();
  });

  it('splits the multiplexed stream across chunk boundaries', () => {
    const got: string[] = [];
    const d = new Demuxer((kind, data) => got.push(`${kind}:${data.toString()}`));
    const frame = (kind: number, text: string) => Buffer.concat([Buffer.from([kind, 0, 0, 0, 0, 0, 0, text.length]), Buffer.from(text)]);
    const all = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]);
    d.write(all.subarray(0, 5));
    d.write(all.subarray(5, 14));
    d.write(all.subarray(14));
    expect(got).toEqual(['stdout:out\n', 'stderr:err\n']);
  });

  it('ends lines at \\n and \\r\\n, keeping a last line without one, across split UTF-8', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('a\r\nb\nmé');
    s.write(bytes.subarray(0, bytes.length - 1));
    s.write(bytes.subarray(bytes.length - 1));
    s.end();
    expect(lines).toEqual(['a', 'b', 'mé']);
  });

  it("gives docker run's exit codes for start failures", () => {
    expect(startErrorCode('exec: "nope": executable file not found in $PATH: unknown')).toBe(127);
    expect(startErrorCode('exec: "/etc/passwd": permission denied: unknown')).toBe(126);
    expect(startErrorCode('cgroup: something else')).toBe(125);
  });

  it('orders diff paths with each directory before its contents', () => {
    expect(['/zz', '/etc/passwd', '/a', '/etc', '/etc-x', '/a/b'].sort(comparePaths)).toEqual(['/a', '/a/b', '/etc', '/etc/passwd', '/etc-x', '/zz']);
  });

  it('turns --since values into API timestamps', () => {
    expect(apiTimestamp('since', '1700000000')).toBe('1700000000');
    expect(apiTimestamp('since', '10m', 1000)).toBe('400.000000000');
    expect(apiTimestamp('since', '2024-01-01T00:00:00.5Z')).toBe('1704067200.500000000');
    expect(() => apiTimestamp('since', 'soon')).toThrow('invalid value for "since": failed to parse value as time or duration: "soon"');
  });
});
