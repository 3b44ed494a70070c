/**
 * The learner's "Use real Docker" switch, with the server's side faked: it opens real mode
 * with the learner's credentials, carries files and history both ways, and falls back to the
 * simulator when the session ends by itself.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../backends/backend.js';
import { SimBackend } from '../../backends/sim.js';
import type { LearnerCredentials } from '../../shared/protocol.js';

/** A real-mode backend stand-in: a simulator that can be told the session ended. */
class FakeRemote extends SimBackend {
  ended: ((reason: string) => void) | undefined;
  disposed = false;
  onDisconnect(cb: (reason: string) => void): () => void {
    this.ended = cb;
    return () => undefined;
  }
  override dispose(): void {
    this.disposed = true;
    super.dispose();
  }
}

const opened: { credentials: unknown; remote: FakeRemote }[] = [];
let refuse: string | undefined;
vi.mock('../real-mode.js', () => ({
  serverStatus: async () => ({ realMode: true, learners: true }),
  openRealMode: async (credentials: LearnerCredentials) => {
    if (refuse) throw new Error(refuse);
    const remote = new FakeRemote({ seed: 2 });
    opened.push({ credentials, remote });
    return remote;
  },
}));

const { LearnerReal } = await import('./learner-real.svelte.js');

const quiet = { stdout: () => undefined, stderr: () => undefined };

describe('the learner’s real-Docker switch', () => {
  let sim: SimBackend;
  let current: Backend;
  const host = { backend: () => current, use: (b: Backend) => (current = b), size: () => ({ cols: 80, rows: 24 }) };
  beforeEach(() => {
    opened.length = 0;
    refuse = undefined;
    sim = new SimBackend({ seed: 1 });
    current = sim;
  });

  it('is offered when the server says learners may use real mode', async () => {
    const real = new LearnerReal(host, () => ({ id: 'i', key: 'k' }));
    await vi.waitFor(() => expect(real.offered).toBe(true));
  });

  it('opens real mode with the learner’s id and key, and takes the files and history along', async () => {
    await sim.run('echo kept > /workspace/note.txt', quiet);
    const real = new LearnerReal(host, () => ({ id: 'learner-1', key: 'secret' }));
    await real.toggle(true);
    expect(opened.map((o) => o.credentials)).toEqual([{ id: 'learner-1', key: 'secret' }]);
    expect(current).toBe(opened[0]!.remote);
    expect(real.on).toBe(true);
    expect(current.workspace.read('/workspace/note.txt')).toBe('kept\n');
    expect(current.history).toEqual(['echo kept > /workspace/note.txt']);
  });

  it('goes back to the simulator with the files as real mode left them, and closes the session', async () => {
    const real = new LearnerReal(host, () => ({ id: 'i', key: 'k' }));
    await real.toggle(true);
    await current.run('echo new > /workspace/made-in-real.txt', quiet);
    await real.toggle(false);
    expect(current).toBe(sim);
    expect(real.on).toBe(false);
    expect(sim.workspace.read('/workspace/made-in-real.txt')).toBe('new\n');
    expect(opened[0]!.remote.disposed).toBe(true);
  });

  it('falls back to the simulator, saying why, when the session ends by itself', async () => {
    const real = new LearnerReal(host, () => ({ id: 'i', key: 'k' }));
    await real.toggle(true);
    opened[0]!.remote.ended!('the class has ended: real mode is closed');
    expect(current).toBe(sim);
    expect(real.problem).toMatch(/class has ended/);
  });

  it('stays on the simulator when the server refuses, or before the class gave credentials', async () => {
    refuse = 'the learner id or key is wrong: join the class again';
    const real = new LearnerReal(host, () => ({ id: 'i', key: 'k' }));
    await real.toggle(true);
    expect([current, real.on]).toEqual([sim, false]);
    expect(real.problem).toMatch(/could not start \(the learner id or key is wrong/);
    const early = new LearnerReal(host, () => undefined);
    await early.toggle(true);
    expect(early.problem).toMatch(/not accepted this browser yet/);
    expect(opened).toEqual([]);
  });
});
