/**
 * The classroom inside the app page: whether to offer "Join the class", the join dialog's
 * state, the learner's class once joined (it rejoins by itself on the next page load), the
 * learner's "Use real Docker" switch, and the instructor's broadcaster when the page is
 * their casting console.
 */
import { normalizeCode, rememberedClass } from '../../classroom/learner-connection.js';
import type { LessonRunner } from '../../state/lesson.svelte.js';
import type { WorldState } from '../../state/world.svelte.js';
import { Broadcaster } from './broadcaster.svelte.js';
import { LearnerReal, type BackendHost } from './learner-real.svelte.js';
import { LearnerClass } from './learner-state.svelte.js';
import { classroomOn, type ClassroomRoute } from './route.js';

const NICK_KEY = 'layerlab.classroom.nickname';

export class AppClassroom {
  /** The page can join a class (the server runs one, or the address carried a join code). */
  readonly offered: boolean;
  learner = $state.raw<LearnerClass | undefined>();
  caster = $state.raw<Broadcaster | undefined>();
  /** The join dialog, with what it is prefilled with. */
  join = $state.raw<{ code: string; nickname: string; problem?: string } | undefined>();
  /** The learner's real-Docker switch (once the page has a backend). */
  real = $state.raw<LearnerReal | undefined>();
  private runner: LessonRunner | undefined;

  constructor(route: ClassroomRoute, viz: WorldState) {
    this.offered = !route.cast && (classroomOn() || route.join !== undefined);
    if (route.cast) {
      this.caster = new Broadcaster(route.cast, viz);
      return;
    }
    if (!this.offered) return;
    const remembered = rememberedClass(localStorage);
    const code = route.join ? (normalizeCode(route.join) ?? route.join) : undefined;
    if (remembered && (!code || code === remembered.code)) this.enter(remembered.code, remembered.nickname);
    else if (code) this.openJoin(code);
  }

  /** The lesson runner is ready (saved progress loaded): the class can hear about it. */
  attach(runner: LessonRunner): void {
    if (this.runner) return;
    this.runner = runner;
    this.learner?.attach(runner);
  }

  /** The page's backend is ready: a learner may switch it to real Docker. */
  bindBackend(host: BackendHost): void {
    // a page already on real Docker (the instructor's own, with the launch token) has nothing to switch
    if (this.offered && !this.real && host.backend()?.label === 'Simulated') this.real = new LearnerReal(host, () => this.learner?.credentials());
  }

  /** Opens the join dialog (prefilled with the last code and nickname). */
  openJoin(code = this.learner?.code ?? '', problem?: string): void {
    this.join = { code, nickname: this.learner?.nickname ?? localStorage.getItem(NICK_KEY) ?? '', problem };
  }

  /** Joins a class with a checked code and nickname. */
  enter(code: string, nickname: string): void {
    // real mode belongs to the learner it was opened for
    this.real?.disable();
    this.learner?.dispose();
    localStorage.setItem(NICK_KEY, nickname);
    const l = new LearnerClass(code, nickname);
    this.learner = l;
    this.join = undefined;
    if (this.runner) l.attach(this.runner);
  }

  /** Leaves the class in this browser. */
  leave(): void {
    this.real?.disable();
    this.learner?.leave();
    this.learner = undefined;
  }

  /** A title pair for a lesson id and step id (ids when the lesson is unknown here). */
  titles(lesson: string, step: string): { lesson: string; step: string } {
    const l = this.runner?.lessons().find((x) => x.id === lesson)?.parsed?.lesson;
    return { lesson: l?.title ?? lesson, step: l?.steps.find((s) => s.id === step)?.title ?? step };
  }
}
