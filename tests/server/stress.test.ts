/**
 * Hostile learners on the real engine: a fork bomb, a memory hog and an output flood in one
 * session, while another session's commands still answer; then every container the server
 * made is checked against the locked template.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RemoteConnection } from '../../src/backends/remote-connection.js';
import { startServer, type RunningServer } from '../../server/app.js';
import { assertLockedTemplate } from '../../server/docker/template.js';
import { LABEL_INSTANCE } from '../../server/docker/types.js';
import { newToken } from '../../server/guard.js';
import { connectEngine, type EngineConnection } from '../../server/real.js';
import { connectTo, dockerOn } from './client.js';
import { describeEngine, docker } from './engine.js';

const token = newToken();
let server: RunningServer;
let engine: EngineConnection;

const connect = () => connectTo(server.port, token);
const run = dockerOn;

describeEngine('hostile commands on the real engine', () => {
  let attacker: RemoteConnection;
  let neighbour: RemoteConnection;

  beforeAll(async () => {
    engine = await connectEngine({ seed: true, registry: 'off' });
    if (!engine.ok) throw new Error(engine.reason);
    server = await startServer({ port: 0, listen: '127.0.0.1', distDir: null, token, real: engine.real });
    [attacker, neighbour] = await Promise.all([connect(), connect()]);
  });

  afterAll(async () => {
    attacker?.close();
    neighbour?.close();
    await server?.close();
    if (engine?.ok) await engine.shutdown();
  });

  it('holds a fork bomb, kills a memory hog and truncates a flood while another session still answers', async () => {
    // 400 background processes asked for; the template's pids limit (128) refuses most forks
    const bomb = run(attacker, ['run', '--name', 'bomb', 'busybox:latest', 'sh', '-c', 'i=0; while [ $i -lt 400 ]; do sleep 20 & i=$((i+1)); done']);
    // doubles a string until the memory limit's OOM killer ends it
    const hog = run(attacker, ['run', '--name', 'hog', '-m', '64m', 'busybox:latest', 'sh', '-c', 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done']);
    // ~3 MB of output: the session sends 512 KiB, a marker, and nothing more
    const flood = run(attacker, ['run', '--rm', 'busybox:latest', 'sh', '-c', 'i=0; while [ $i -lt 200000 ]; do echo flood-line-$i; i=$((i+1)); done']);
    // meanwhile the neighbour's commands answer
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await run(neighbour, ['ps', '-a']));
    expect(answers.every((a) => a.code === 0 && a.out[0]!.startsWith('CONTAINER ID'))).toBe(true);
    // and they see none of the attacker's containers
    expect(answers.every((a) => a.out.length === 1)).toBe(true);
    console.log(`neighbour's ps while under attack: ${answers.map((a) => a.ms).join(', ')} ms`);

    const [b, h, f] = await Promise.all([bomb, hog, flood]);
    // the shell could not fork past the limit and gave up (ash: exit 2), and the limit was what stopped it
    expect(b.code, JSON.stringify(b)).toBe(2);
    expect(b.err.join('\n')).toMatch(/can't fork/);
    expect(h.code).toBe(137);
    const hogInfo = await docker.getContainer((await docker.listContainers({ all: true, filters: JSON.stringify({ name: ['^/hog$'] }) }))[0]!.Id).inspect();
    expect(hogInfo.State.OOMKilled).toBe(true);
    expect(f.code).toBe(0);
    expect(f.err.filter((l) => /output truncated/.test(l))).toHaveLength(1);
    expect(f.out.join('\n').length).toBeLessThanOrEqual(512 * 1024);
  });

  it('made every one of its containers from the locked template', async () => {
    await run(attacker, ['create', '--name', 'tpl-1', '-m', '2g', '--cpus', '4', '--pids-limit', '100000', 'busybox:latest']);
    await run(attacker, ['create', '--name', 'tpl-2', '-p', '8081:80', '-v', 'tpl-data:/data', '--read-only', 'busybox:latest']);
    const mine = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_INSTANCE}=${engine.ok ? engine.real.deps.instanceId : ''}`] }) });
    expect(mine.length).toBeGreaterThanOrEqual(4);
    for (const c of mine) expect(assertLockedTemplate(await docker.getContainer(c.Id).inspect()), c.Names[0]).toEqual([]);
  });
});
