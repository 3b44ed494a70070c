/**
 * The lesson UI, loaded lazily by the app (it brings the lesson parser, zod, yaml and marked,
 * none of which the first paint needs).
 */
import { renderLessonMarkdown } from '../../lessons/markdown.js';
import { LessonRunner, type RunnerHost } from '../../state/lesson.svelte.js';
import { Presenter, type PresenterHost } from '../../state/presenter.svelte.js';

export { default as LessonPane } from './LessonPane.svelte';
export { default as PresenterBar } from './Presenter.svelte';
export type { LessonRunner, Presenter };

/** The runner and the presenter over one console. */
export function createLessonUi(host: RunnerHost, presenterHost: Omit<PresenterHost, 'notesHtml'>): { runner: LessonRunner; presenter: Presenter } {
  const runner = new LessonRunner(host);
  const presenter = new Presenter(runner, { ...presenterHost, notesHtml: (md) => renderLessonMarkdown(md) });
  return { runner, presenter };
}
