/**
 * The companion server killed with SIGKILL mid-build, again and again, then started once
 * more: its start-up reaper must leave no labelled container, image or volume behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { instanceOf, LABEL_INSTANCE, LABEL_SESSION } from '../../server/docker/types.js';
import { connectTo, contextFile } from './client.js';
import { describeEngine, docker } from './engine.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Starts `server/main.ts` on a free port; resolves with the process, port and token it printed. */
function launch(): Promise<{ proc: ChildProcess; port: number; token: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts'), '--port', '0', '--no-build', '--no-seed', '--registry', 'off', '--dist', path.join(ROOT, 'test-results', 'no-dist')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`the server did not start: ${text}`)), 60_000);
    proc.stdout!.on('data', (d) => {
      text += String(d);
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([A-Za-z0-9_-]+)/.exec(text);
      if (m) {
        clearTimeout(t);
        resolve({ proc, port: Number(m[1]), token: m[2]! });
      }
    });
    proc.stderr!.on('data', (d) => (text += String(d)));
    proc.on('exit', (code) => reject(new Error(`the server exited (${code}): ${text}`)));
  });
}

const file = contextFile;

/** Labelled objects of the given launches (other tests may run on the same engine meanwhile). */
async function labelled(instances: string[]): Promise<{ containers: number; images: number; volumes: number }> {
  const count = { containers: 0, images: 0, volumes: 0 };
  // built images carry only the session label, whose id names the launch
  const filters = JSON.stringify({ label: [LABEL_SESSION] });
  const [c, i, v] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listImages({ all: true, filters }), docker.listVolumes({ filters })]);
  const ours = (o: { Labels?: Record<string, string> | null }) => instances.includes(instanceOf(o.Labels) ?? '');
  count.containers = c.filter(ours).length;
  count.images = i.filter(ours).length;
  count.volumes = (v.Volumes ?? []).filter(ours).length;
  return count;
}

describeEngine('the companion server killed mid-build', () => {
  it('leaves nothing labelled behind once it starts again', async () => {
    const instances: string[] = [];
    for (let round = 0; round < 3; round++) {
      const { proc, port, token } = await launch();
      const conn = await connectTo(port, token);
      const sink = { out: () => undefined, tty: () => undefined };
      // a container, a volume and an image that outlive the build, then a build that is still running
      await conn.docker(['volume', 'create', `crash-${round}`], {}, sink).done;
      await conn.docker(['run', '-d', '--name', `crash-${round}`, 'busybox:latest', 'sleep', '300'], {}, sink).done;
      const quick = [file('Dockerfile', `FROM busybox:latest\nRUN echo ${Date.now()}-${round} > /x\n`)];
      const slow = [file('Dockerfile', `FROM busybox:latest\nRUN echo ${Date.now()}-${round} > /x\nRUN sleep 30\n`)];
      const builder = round % 2 ? '1' : '0';
      expect(await conn.docker(['build', '-t', `crash-${round}`, '.'], { env: { DOCKER_BUILDKIT: builder }, context: quick }, sink).done).toBe(0);
      void conn.docker(['build', '-t', `crash-${round}-b`, '.'], { env: { DOCKER_BUILDKIT: builder }, context: slow }, sink).done;
      await new Promise((r) => setTimeout(r, 1500));
      const gone = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGKILL');
      await gone;
      // the killed launch, by the label on what it left (each next launch removes the one before's)
      const [left] = await docker.listContainers({ all: true, filters: JSON.stringify({ name: [`^/crash-${round}$`] }) });
      instances.push(left!.Labels[LABEL_INSTANCE]!);
      const before = await labelled([instances.at(-1)!]);
      expect(before.containers).toBeGreaterThan(0);
      expect(before.images).toBeGreaterThan(0);
      conn.close();
    }
    expect(new Set(instances).size).toBe(3);
    // a fresh launch reaps what the killed ones left, then a clean stop
    const { proc } = await launch();
    const stopped = new Promise((r) => proc.on('exit', r));
    proc.kill('SIGTERM');
    await stopped;
    expect(await labelled(instances)).toEqual({ containers: 0, images: 0, volumes: 0 });
  }, 300_000);
});
