/**
 * The instructor's own console as a live broadcast: the app opened with `#cast=TOKEN` sends
 * what its console writes (batched) and what its visual panel shows (the view and its
 * WorldView, throttled, with a fresh frame now and then for learners who join late) as
 * `cast` frames over an instructor connection.
 */
import { InstructorConnection, type InstructorStatus } from '../../classroom/instructor-connection.js';
import { MAX_CLASSROOM_MESSAGE_BYTES } from '../../shared/classroom-protocol.js';
import type { WorldState } from '../../state/world.svelte.js';
import { forgetInstructor, socketUrl } from './route.js';

const TERM_EVERY_MS = 50;
const PANEL_EVERY_MS = 300;
const KEYFRAME_EVERY_MS = 10_000;
/** Console text per frame (characters), well under the message limit. */
const TERM_CHUNK = Math.floor(MAX_CLASSROOM_MESSAGE_BYTES / 8);

export class Broadcaster {
  status = $state<InstructorStatus>('connecting');
  /** Broadcasting now. */
  on = $state(false);
  /** A panel frame was too big to send (a huge world): say so instead of failing silently. */
  problem = $state<string | undefined>();

  private readonly conn: InstructorConnection;
  private term = '';
  private termTimer: ReturnType<typeof setTimeout> | undefined;
  private panelTimer: ReturnType<typeof setTimeout> | undefined;
  private keyframe: ReturnType<typeof setInterval> | undefined;
  private view = 'layers';
  /** The console's size, for viewers to draw as many columns. */
  private size: { cols: number; rows: number } | undefined;
  private readonly stopEffects: () => void;

  constructor(
    token: string,
    private readonly viz: WorldState,
  ) {
    this.conn = new InstructorConnection({ url: socketUrl(), token });
    this.conn.onStatus((s) => {
      this.status = s;
      if (s === 'refused') {
        forgetInstructor();
        this.problem = `The classroom refused this console (${this.conn.problem ?? 'wrong token'}).`;
        this.stop();
      }
      // back after a drop: the learners' viewers get the current picture again
      if (s === 'online' && this.on) this.sendPanel();
    });
    this.conn.start();
    this.stopEffects = $effect.root(() => {
      $effect(() => {
        void this.viz.world;
        if (this.on) this.schedulePanel();
      });
    });
  }

  /** Starts or stops the broadcast. */
  toggle(): void {
    if (this.on) this.stop();
    else this.start();
  }

  start(): void {
    if (this.on || this.status !== 'online') return;
    this.on = true;
    this.conn.cast({ kind: 'start', title: 'Live from the instructor' });
    if (this.size) this.conn.cast({ kind: 'size', ...this.size });
    this.sendPanel();
    this.keyframe = setInterval(() => this.sendPanel(), KEYFRAME_EVERY_MS);
  }

  stop(): void {
    if (!this.on) return;
    this.flushTerm();
    this.on = false;
    clearTimeout(this.panelTimer);
    clearInterval(this.keyframe);
    this.panelTimer = this.keyframe = undefined;
    this.conn.cast({ kind: 'stop' });
  }

  /** The console's size changed (Terminal's onresize): viewers follow it. */
  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    if (this.on) this.conn.cast({ kind: 'size', cols, rows });
  }

  /** Console output (Terminal's onoutput). */
  output(data: string): void {
    if (!this.on) return;
    this.term += data;
    this.termTimer ??= setTimeout(() => this.flushTerm(), TERM_EVERY_MS);
  }

  /** The visual panel's view changed (VisualPanel's onview). */
  showView(id: string): void {
    if (id === this.view) return;
    this.view = id;
    if (this.on) this.schedulePanel();
  }

  dispose(): void {
    this.stop();
    this.stopEffects();
    this.conn.dispose();
  }

  private flushTerm(): void {
    clearTimeout(this.termTimer);
    this.termTimer = undefined;
    for (let i = 0; i < this.term.length; i += TERM_CHUNK) this.conn.cast({ kind: 'term', data: this.term.slice(i, i + TERM_CHUNK) });
    this.term = '';
  }

  private schedulePanel(): void {
    this.panelTimer ??= setTimeout(() => {
      this.panelTimer = undefined;
      this.sendPanel();
    }, PANEL_EVERY_MS);
  }

  private sendPanel(): void {
    if (!this.on) return;
    const frame = { kind: 'panel' as const, view: this.view, world: $state.snapshot(this.viz.world) };
    // the whole message must fit the limit: measure it as the socket will carry it
    if (new TextEncoder().encode(JSON.stringify({ t: 'cast', frame })).length > MAX_CLASSROOM_MESSAGE_BYTES) {
      this.problem = 'The visual panel is too large to broadcast right now (remove some images or containers); the console still goes out.';
      return;
    }
    this.problem = undefined;
    this.conn.cast(frame);
  }
}
