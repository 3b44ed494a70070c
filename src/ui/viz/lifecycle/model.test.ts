import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../../backends/sim.js';
import type { EngineEvent } from '../../../shared/events.js';
import type { WorldView } from '../../../shared/world.js';
import { lifecycleLayout, lifecycleModel } from './model.js';

const quiet = { stdout: () => {}, stderr: () => {} };

function sim() {
  const b = new SimBackend();
  const events: { seq: number; event: EngineEvent }[] = [];
  let seq = 0;
  b.onEvent((e) => {
    if (e.type !== 'workspace.changed') events.push({ seq: ++seq, event: e as EngineEvent });
  });
  return { b, events, run: (l: string) => b.run(l, quiet), model: () => lifecycleModel(b.world(), events, 160, 50) };
}

const at = (m: ReturnType<typeof lifecycleModel>, id: string) => m.nodes.find((n) => n.id === id)!.objects;

describe('lifecycle view model', () => {
  it('lays the states out top to bottom, Dockerfile first and deleted last', () => {
    const g = lifecycleLayout(160, 50);
    const y = (id: string) => g.nodes.get(id as never)!.y;
    expect(y('dockerfile')).toBeLessThan(y('image'));
    expect(y('image')).toBeLessThan(y('registry'));
    expect(y('created')).toBeLessThan(y('running'));
    expect(y('running')).toBeLessThan(y('exited'));
    expect(y('exited')).toBeLessThan(y('deleted'));
    expect(g.edges.find((e) => e.key === 'exited>running')?.back).toBe(true);
  });

  it('places the learner’s objects on their states after build, push, create, start, stop and rm', async () => {
    const s = sim();
    await s.run('cd hello && docker build -t localhost:5000/hello:v1 . && docker push localhost:5000/hello:v1');
    let m = s.model();
    expect(at(m, 'image')).toContain('localhost:5000/hello:v1');
    expect(at(m, 'registry')).toEqual(['localhost:5000/hello:v1']);
    expect(at(m, 'dockerfile')).toEqual(['→ localhost:5000/hello:v1']);
    await s.run('docker create --name web oracle-base:local sleep 100');
    expect(at(s.model(), 'created')).toEqual(['web']);
    await s.run('docker start web');
    m = s.model();
    expect(at(m, 'running')).toEqual(['web']);
    expect(m.transitions.at(-1)).toMatchObject({ from: 'created', to: 'running', who: 'web' });
    await s.run('docker stop web');
    m = s.model();
    expect(at(m, 'exited')).toEqual(['web']);
    expect(m.transitions.at(-1)?.text).toMatch(/^web: running → exited \(exit code \d+\)$/);
    await s.run('docker rm web');
    m = s.model();
    expect(at(m, 'exited')).toEqual([]);
    expect(at(m, 'deleted')).toEqual(['web']);
    expect(m.transitions.slice(-2).map((t) => `${t.from}>${t.to}`)).toEqual(['exited>removing', 'removing>deleted']);
    expect(m.text).toContain('deleted: web.');
  });

  it('puts a pulled image on "local image" and draws an empty world', async () => {
    const s = sim();
    await s.run('docker pull alpine:3.19');
    expect(at(s.model(), 'pulled')).toEqual(['alpine:3.19']);
    const empty: WorldView = { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 1 };
    const m = lifecycleModel(empty, [], 120, 40);
    expect(m.nodes).toHaveLength(12);
    expect(m.transitions).toEqual([]);
  });
});
