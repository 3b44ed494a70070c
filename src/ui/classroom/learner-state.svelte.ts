/**
 * The learner's classroom as `$state` for the learner bar and the cast viewer: the connection's
 * status, hints, the hold, the instructor's broadcast, and the bridge to the lesson runner
 * (its step changes, done steps and failed check runs go to the room; a hold or a push-start
 * comes back to it).
 */
import { LearnerConnection, toLessonProgress, type ClassSnapshot, type Hint, type KeyValue, type LearnerStatus } from '../../classroom/learner-connection.js';
import { Emitter } from '../../classroom/link.js';
import type { CastFrame, Hold, LessonProgress } from '../../shared/classroom-protocol.js';
import type { LessonRunner } from '../../state/lesson.svelte.js';
import { WorldState } from '../../state/world.svelte.js';
import { socketUrl } from './route.js';

const FAILURES_KEY = 'layerlab.classroom.failures';
/** The broadcast's console text kept for a viewer opened late (bytes). */
const CAST_LOG_LIMIT = 256 * 1024;

type FailureLog = Record<string, { step: string; failures: number; at: number }>;

export class LearnerClass {
  status = $state<LearnerStatus>('connecting');
  nickname = $state('');
  problem = $state<string | undefined>();
  hints = $state.raw<Hint[]>([]);
  /** The hint list is open (it opens by itself when a hint arrives). */
  hintsOpen = $state(false);
  hold = $state.raw<Hold | null>(null);
  /** The instructor's console columns (the viewer draws as many), once known. */
  castCols = $state<number | undefined>();
  /** The instructor is broadcasting. */
  casting = $state(false);
  /** The learner is watching the broadcast (it opens by itself when one starts). */
  watching = $state(false);
  castTitle = $state<string | undefined>();
  /** The view the instructor's visual panel shows. */
  castView = $state<string | undefined>();
  /** The instructor's world, as the last panel frame drew it. */
  readonly castWorld = new WorldState();
  /** A one-line notice: the instructor opened a lesson for everyone, the class ended. */
  notice = $state<string | undefined>();

  private readonly _onCastData = new Emitter<string>();
  /** Console bytes of the broadcast as they come. */
  readonly onCastData = this._onCastData.event;
  private castLog = '';
  private runner: LessonRunner | undefined;
  private failures: FailureLog;
  private readonly conn: LearnerConnection;
  private offs: (() => void)[] = [];

  constructor(
    readonly code: string,
    nickname: string,
    private readonly storage: KeyValue = localStorage,
  ) {
    this.nickname = nickname;
    this.failures = this.readFailures();
    const c = new LearnerConnection({ url: socketUrl(), code, nickname, storage, snapshot: () => this.snapshot() });
    this.conn = c;
    c.onStatus((s) => {
      this.status = s;
      this.nickname = c.nickname;
      this.problem = s === 'refused' ? c.problem : undefined;
    });
    c.onHint((h) => {
      this.hints = [...this.hints, h];
      this.hintsOpen = true;
    });
    c.onHold((h) => {
      this.hold = h;
      if (this.runner) this.runner.hold = h;
    });
    c.onPushStart((id) => void this.pushStart(id));
    c.onCast((f) => this.cast(f));
    c.onEnded(() => {
      this.casting = this.watching = false;
      this.notice = 'The class has ended. Your progress stays in this browser.';
    });
    // joined at once (the bar shows it); progress follows when the runner has loaded it
    c.start();
  }

  /** Follows the lesson runner (its saved progress is loaded by now) and reports what it holds. */
  attach(runner: LessonRunner): void {
    this.runner = runner;
    runner.hold = this.hold;
    this.offs.push(
      runner.onChange((c) => {
        if (c.kind === 'failed' && c.lesson && runner.progress) {
          const prev = this.failures[c.lesson];
          const step = runner.progress.step;
          this.failures = { ...this.failures, [c.lesson]: { step, failures: prev?.step === step ? prev.failures + 1 : 1, at: Date.now() } };
          this.storage.setItem(FAILURES_KEY, JSON.stringify(this.failures));
        }
        if (c.lesson === null || !runner.progress) this.conn.sync();
        else this.conn.progress(c.lesson, this.lessonProgress(c.lesson, runner.progress));
      }),
    );
    this.conn.sync();
  }

  /** The broadcast's console text so far (a viewer opened late starts with it). */
  castBacklog(): string {
    return this.castLog;
  }

  /** The id and key the class gave this browser (they open real mode for it); undefined before it joined. */
  credentials(): { id: string; key: string } | undefined {
    return this.conn.credentials();
  }

  /** Leaves the class in this browser (joining again resumes the same learner). */
  leave(): void {
    this.conn.leave();
    this.dispose();
  }

  dispose(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.conn.dispose();
    if (this.runner) this.runner.hold = null;
  }

  private snapshot(): ClassSnapshot | null {
    const r = this.runner;
    if (!r) return null;
    const lessons: Record<string, LessonProgress> = {};
    for (const [id, rec] of Object.entries(r.all)) lessons[id] = this.lessonProgress(id, rec);
    const current = r.place.kind === 'lesson' ? (r.current?.id ?? null) : null;
    // a lesson opened but not yet saved has no record in `all`
    if (current && r.progress && !lessons[current]) lessons[current] = this.lessonProgress(current, r.progress);
    return { current, lessons };
  }

  private lessonProgress(lesson: string, rec: { step: string; done: readonly string[]; updatedAt: number }): LessonProgress {
    return toLessonProgress(rec, this.failures[lesson]);
  }

  private readFailures(): FailureLog {
    try {
      const v = JSON.parse(this.storage.getItem(FAILURES_KEY) ?? '{}') as unknown;
      return typeof v === 'object' && v !== null ? (v as FailureLog) : {};
    } catch {
      return {};
    }
  }

  private async pushStart(id: string): Promise<void> {
    const r = this.runner;
    const entry = r?.lessons().find((l) => l.id === id);
    if (!r || !entry?.parsed) return;
    await r.start(entry, true);
    this.notice = `Your instructor opened “${entry.parsed.lesson.title}” from its start for everyone. The header's Undo brings your previous files back.`;
  }

  private cast(f: CastFrame): void {
    switch (f.kind) {
      case 'start':
        this.casting = this.watching = true;
        this.castTitle = f.title;
        this.castLog = '';
        return;
      case 'term':
        if (!this.casting) this.casting = this.watching = true;
        this.castLog = (this.castLog + f.data).slice(-CAST_LOG_LIMIT);
        this._onCastData.fire(f.data);
        return;
      case 'size':
        this.castCols = f.cols;
        return;
      case 'panel':
        if (!this.casting) this.casting = this.watching = true;
        this.castView = f.view;
        this.castWorld.world = f.world;
        return;
      case 'stop':
        this.casting = this.watching = false;
        return;
    }
  }
}
