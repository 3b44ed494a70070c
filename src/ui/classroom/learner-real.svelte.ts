/**
 * A classroom learner's "Use real Docker" switch: offered when the companion server says real
 * mode is on for learners; turning it on opens real mode with the learner's id and key (the
 * launch token never reaches learners) and hands the page the real backend, with the files
 * and history the learner has; turning it off (or the session ending) goes back to the
 * simulator with the files as they are then.
 */
import type { Backend } from '../../backends/backend.js';
import type { RemoteBackend } from '../../backends/remote.js';
import type { LearnerCredentials } from '../../shared/protocol.js';
import { openRealMode, serverStatus } from '../real-mode.js';

/** What the switch needs from the page. */
export interface BackendHost {
  /** The backend the page uses now (undefined while the simulator loads). */
  backend(): Backend | undefined;
  /** Makes the page use `b`: the console, views and lesson checks follow it. */
  use(b: Backend): void;
  /** The console's size, for commands with a TTY. */
  size(): { cols: number; rows: number };
}

export class LearnerReal {
  /** The server offers real mode to learners. */
  offered = $state(false);
  /** Commands run on the server's engine. */
  on = $state(false);
  /** Switching is under way. */
  busy = $state(false);
  /** Why the last switch failed or real mode ended. */
  problem = $state<string | undefined>();
  private remote: RemoteBackend | undefined;
  private sim: Backend | undefined;

  constructor(
    private readonly host: BackendHost,
    private readonly credentials: () => LearnerCredentials | undefined,
  ) {
    void serverStatus().then((s) => (this.offered = !!(s?.realMode && s.learners)));
  }

  /** Switches real Docker on or off. */
  async toggle(on: boolean): Promise<void> {
    if (on) await this.enable();
    else this.disable();
  }

  private async enable(): Promise<void> {
    const sim = this.host.backend();
    const me = this.credentials();
    if (this.on || this.busy || !sim) return;
    if (!me) {
      this.problem = 'the class has not accepted this browser yet; try again once it says Online';
      return;
    }
    this.busy = true;
    this.problem = undefined;
    try {
      const remote = await openRealMode(me, this.host.size());
      // the learner's files, current folder and history go along; the engine starts empty
      remote.restore(sim.snapshot());
      remote.history = [...sim.history];
      remote.onDisconnect((reason) => {
        if (this.remote !== remote) return;
        this.problem = `real Docker ended (${reason}); your commands run in the simulator again`;
        this.disable();
      });
      this.sim = sim;
      this.remote = remote;
      this.on = true;
      this.host.use(remote);
    } catch (e) {
      this.problem = `real Docker could not start (${(e as Error).message})`;
    } finally {
      this.busy = false;
    }
  }

  /** Back to the simulator, with the files and history as real mode left them. */
  disable(): void {
    const remote = this.remote;
    const sim = this.sim;
    if (!remote || !sim) return;
    this.remote = this.sim = undefined;
    this.on = false;
    sim.restore(remote.snapshot());
    sim.history = [...remote.history];
    this.host.use(sim);
    remote.dispose();
  }
}
