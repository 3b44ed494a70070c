import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../../backends/sim.js';
import { SIMULATED_HOST as ENGINE_HOST } from '../../../engine/container/host-config.js';
import imagesJson from '../../../engine/catalog/images.json';
import type { ContainerView, WorldView } from '../../../shared/world.js';
import { catalogSizes, type CatalogSizeData } from '../bases/model.js';
import { FOOTPRINT_FIGURES, START_FIGURES } from './figures.js';
import { cgroupRows, defaultNamespaces, hostFactsFromWorld, isolationText, namespaceView, parseHostFacts, raceOrder, SIMULATED_HOST, type NamespaceId } from './model.js';

const quiet = { stdout: () => {}, stderr: () => {} };

async function running(): Promise<WorldView> {
  const b = new SimBackend();
  await b.run('docker run -d --name web -m 256m --cpus 1.5 --pids-limit 64 oracle-base:local sleep 1000', quiet);
  return b.world();
}

describe('container vs VM', () => {
  it("derives the simulated host's facts from the world: hostname, PID 1 and its host PID, eth0, limits", async () => {
    const facts = hostFactsFromWorld(await running());
    expect(facts.mode).toBe('simulated');
    expect(facts.host.illustrative).toBe(true);
    const c = facts.containers[0]!;
    expect(c).toMatchObject({ name: 'web', running: true, cgroup: { memory: 256 * 1024 ** 2, cpus: 1.5, pids: 64 } });
    expect(c.hostname).toBe(c.id.slice(0, 12));
    expect(c.processes[0]!.pid).toBe(1);
    expect(c.interfaces.map((i) => i.name)).toEqual(['lo', 'eth0']);
  });

  it('shows PID 1 with the pid namespace on and the host PID with it off', async () => {
    const facts = hostFactsFromWorld(await running());
    const c = facts.containers[0]!;
    const on = namespaceView('pid', true, facts, c);
    expect(on.lines).toEqual(['PID 1  sleep 1000']);
    const off = namespaceView('pid', false, facts, c);
    expect(off.lines).toContain(`PID ${c.processes[0]!.hostPid}  sleep 1000`);
    expect(off.lines[0]).toBe('PID 1  /sbin/init');
    expect(off.says).toContain(`PID ${c.processes[0]!.hostPid} on the host`);
  });

  it('shows for every namespace something different on and off', async () => {
    const facts = hostFactsFromWorld(await running());
    const c = facts.containers[0]!;
    for (const id of ['pid', 'net', 'mnt', 'uts', 'ipc', 'user'] as NamespaceId[]) {
      expect(namespaceView(id, true, facts, c).lines).not.toEqual(namespaceView(id, false, facts, c).lines);
    }
    expect(namespaceView('uts', true, facts, c).lines).toEqual([`hostname: ${c.hostname}`]);
    expect(namespaceView('net', false, facts, c).lines).toContain('docker0  172.17.0.1');
  });

  it("starts with Docker's defaults: user namespaces off", () => {
    expect(defaultNamespaces()).toEqual({ pid: true, net: true, mnt: true, uts: true, ipc: true, user: false });
  });

  it('reads cgroup limits, or unlimited with the host size', async () => {
    const facts = hostFactsFromWorld(await running());
    expect(cgroupRows(facts, facts.containers[0]).map((r) => r.limit)).toEqual(['256MiB', '1.5 CPUs', '64 processes']);
    expect(cgroupRows(facts, undefined).map((r) => r.limit)).toEqual(["unlimited (the host's 8GiB)", "unlimited (the host's 4 CPUs)", 'unlimited']);
  });

  it('keeps the simulated host in step with the engine', () => {
    expect(SIMULATED_HOST).toEqual(ENGINE_HOST);
  });

  it('has a source and a kind for every figure, and the container images match the catalog', () => {
    for (const f of [...START_FIGURES, ...FOOTPRINT_FIGURES]) {
      expect(f.source.length).toBeGreaterThan(20);
      expect(f.value).toBeGreaterThan(0);
    }
    const cat = catalogSizes(imagesJson as unknown as CatalogSizeData);
    expect(FOOTPRINT_FIGURES.find((f) => f.id === 'ubuntu-image')!.value).toBe(cat.get('ubuntu:22.04')!.size);
    expect(FOOTPRINT_FIGURES.find((f) => f.id === 'alpine-image')!.value).toBe(cat.get('alpine:3.21')!.size);
    expect(raceOrder(START_FIGURES).map((f) => f.id)).toEqual(['namespaces', 'microvm', 'container', 'vm']);
    expect(START_FIGURES.find((f) => f.id === 'vm')!.kind).toBe('illustration');
  });

  it('writes a text alternative with the same facts, the sources and the what-if', async () => {
    const facts = hostFactsFromWorld(await running());
    const text = isolationText(facts, facts.containers[0], defaultNamespaces(), true).join('\n');
    expect(text).toContain('Simulated host layerlab-host');
    expect(text).toContain('pid namespace on');
    expect(text).toContain('user namespace off');
    expect(text).toContain('256MiB');
    expect(text).toContain('arXiv 2602.15214');
    expect(text).toContain('order-of-magnitude illustration');
    expect(text).toContain('Kernel exploit what-if');
  });

  it('survives bad input: no world, odd containers, a stopped container', () => {
    expect(hostFactsFromWorld(undefined).containers).toEqual([]);
    const odd = { id: 'abc', name: 'x', image: 'i', status: 'exited' } as unknown as ContainerView;
    const facts = hostFactsFromWorld({ images: [], containers: [odd, null as unknown as ContainerView], volumes: [], registries: [], linkBytesPerSecond: 1 });
    expect(facts.containers).toHaveLength(1);
    expect(namespaceView('pid', true, facts, facts.containers[0]).lines).toEqual(['(no process: the container is not running)']);
    expect(isolationText(facts, undefined, defaultNamespaces(), false).length).toBeGreaterThan(5);
  });

  it("reads a server's HostFacts (real mode) field by field and refuses what is not HostFacts", () => {
    const facts = parseHostFacts({
      mode: 'real',
      host: { hostname: 'lab-01', kernel: 'Linux 6.1.0-18-amd64', cpus: 8, memory: 16e9, processes: [{ pid: 1, argv: ['/sbin/init'] }], interfaces: [{ name: 'eth0', address: '10.0.0.5' }] },
      containers: [{ id: 'abc', name: 'web', image: 'nginx', running: true, hostname: 'abc', processes: [{ pid: 1, hostPid: 4242, argv: ['nginx'] }, 'junk'], interfaces: [{ name: 'eth0', address: '172.17.0.2' }], cgroup: { memory: 'lots', cpus: 2, pids: -1 } }],
    })!;
    expect(facts.mode).toBe('real');
    expect(facts.host.processes[0]).toEqual({ pid: 1, hostPid: 1, uid: 0, argv: ['/sbin/init'] });
    expect(facts.containers[0]!.cgroup).toEqual({ memory: null, cpus: 2, pids: null });
    expect(namespaceView('pid', false, facts, facts.containers[0]).says).toContain('PID 4242 on the host');
    expect(isolationText(facts, facts.containers[0], defaultNamespaces(), false)[0]).toMatch(/^Real host lab-01/);
    expect(parseHostFacts(null)).toBeUndefined();
    expect(parseHostFacts({ containers: [] })).toBeUndefined();
  });
});

describe('hostFactsFromWorld in real mode', () => {
  it('shows the host the server sent, not the example one', () => {
    const world = {
      images: [],
      containers: [],
      volumes: [],
      registries: [],
      linkBytesPerSecond: 1,
      host: { hostname: 'lab-1', kernel: 'Linux 6.1.0-18-amd64', cpus: 2, memory: 24 * 1024 ** 3, interfaces: [{ name: 'eth0', address: '10.0.0.5' }], processes: [{ pid: 1, hostPid: 1, uid: 0, argv: ['/sbin/init'] }] },
    };
    const facts = hostFactsFromWorld(world);
    expect(facts.mode).toBe('real');
    expect(facts.host).toMatchObject({ hostname: 'lab-1', kernel: 'Linux 6.1.0-18-amd64', cpus: 2, illustrative: false });
    expect(facts.host.interfaces).toEqual([{ name: 'eth0', address: '10.0.0.5' }]);
    expect(hostFactsFromWorld({ ...world, host: undefined }).host.illustrative).toBe(true);
  });
});
