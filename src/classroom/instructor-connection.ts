/**
 * The instructor's side of the classroom: greets with the dashboard token, folds the server's
 * `room` and `learner` messages into one RoomView for the dashboard, reconnects by itself and
 * sends the instructor's actions (hints, push-start, hold, stuck rule, cast frames, end).
 */
import type { CastFrame, ClassroomServerMessage, Hold, InstructorClientMessage, RoomView, RosterEntry, StuckRule } from '../shared/classroom-protocol.js';
import { Emitter, Link, type LinkOptions } from './link.js';

/** connecting: first greeting under way; online: the room is live; reconnecting: the socket dropped; refused: the token was not accepted. */
export type InstructorStatus = 'connecting' | 'online' | 'reconnecting' | 'refused';

export interface InstructorOptions extends Pick<LinkOptions, 'connect' | 'timers' | 'minDelay' | 'maxDelay' | 'pingEvery'> {
  url: string;
  token: string;
  /** The page's clock (ms), for tests. */
  clock?: () => number;
}

/** The room with one learner replaced (or added, in join order), at server time `now`. */
export function foldLearner(room: RoomView, learner: RosterEntry, now: number): RoomView {
  const i = room.learners.findIndex((l) => l.id === learner.id);
  const learners = i < 0 ? [...room.learners, learner] : room.learners.map((l, j) => (j === i ? learner : l));
  return { ...room, learners, now: Math.max(room.now, now) };
}

/** The instructor's classroom connection. */
export class InstructorConnection {
  private readonly _onRoom = new Emitter<RoomView>();
  /** The room after every change. */
  readonly onRoom = this._onRoom.event;
  private readonly _onStatus = new Emitter<InstructorStatus>();
  readonly onStatus = this._onStatus.event;

  room: RoomView | undefined;
  status: InstructorStatus = 'connecting';
  /** Why the server refused, or its last complaint. */
  problem: string | undefined;
  /** Server clock minus the page's clock (ms). */
  private skew = 0;
  private readonly link: Link;
  private readonly clock: () => number;

  constructor(opts: InstructorOptions) {
    this.clock = opts.clock ?? Date.now;
    this.link = new Link({ ...opts, hello: () => ({ t: 'instructor', token: opts.token }) });
    this.link.onMessage((m) => this.receive(m));
    this.link.onState((s) => {
      if (s === 'waiting' && this.status !== 'refused') this.setStatus('reconnecting');
    });
  }

  start(): void {
    this.link.start();
  }

  /** The server's clock now (ms): time on step is measured against it. */
  serverNow(): number {
    return this.clock() + this.skew;
  }

  /** A hint to one learner (by id) or to everyone ('all'). */
  hint(to: string, text: string): boolean {
    return this.send({ t: 'hint', to, text });
  }

  /** Every learner opens `lesson` from its start state. */
  pushStart(lesson: string): boolean {
    return this.send({ t: 'push-start', lesson });
  }

  /** Holds the room at a step, or releases it (null). */
  hold(hold: Hold | null): boolean {
    return this.send({ t: 'hold', hold });
  }

  stuckRule(rule: StuckRule): boolean {
    return this.send({ t: 'stuck-rule', rule });
  }

  /** One broadcast frame; false while offline (a dropped frame is not resent). */
  cast(frame: CastFrame): boolean {
    return this.send({ t: 'cast', frame });
  }

  /** Ends the class for everyone. */
  end(): boolean {
    return this.send({ t: 'end' });
  }

  dispose(): void {
    this.link.close();
  }

  private send(m: InstructorClientMessage): boolean {
    return this.status === 'online' && this.link.send(m);
  }

  private receive(m: ClassroomServerMessage): void {
    switch (m.t) {
      case 'room':
        this.skew = m.room.now - this.clock();
        this.room = m.room;
        this.problem = undefined;
        this.link.settled();
        this.setStatus('online');
        this._onRoom.fire(m.room);
        return;
      case 'learner':
        if (!this.room) return;
        this.skew = m.now - this.clock();
        this.room = foldLearner(this.room, m.learner, m.now);
        this._onRoom.fire(this.room);
        return;
      case 'error':
        this.problem = m.message;
        if (m.fatal) {
          this.link.close();
          this.setStatus('refused');
        }
        return;
      default:
        return;
    }
  }

  private setStatus(s: InstructorStatus): void {
    if (this.status === s) return;
    this.status = s;
    this._onStatus.fire(s);
  }
}
