/**
 * The lesson format: front matter of `lessons/NN-course/NN-lesson/lesson.md`, defined once
 * with zod. The same definition validates lessons (`npm run lesson:check`), documents them
 * (every field has `.describe()`; docs/authoring.md lists them) and gives editor hints
 * (`lessonJsonSchema()`).
 */
import { z } from 'zod';

const imageRef = z.string().min(1).describe('An image reference as the learner would type it, e.g. `hello`, `app:v2`, `localhost:5000/app:v1`');
const instructionMatch = z
  .string()
  .min(1)
  .describe('Which build step: text the step\'s instruction contains (case-insensitive), e.g. "npm install" or "COPY package.json"');

/** The goal-check vocabulary: each tests engine state, never the text typed. */
export const CheckSchema = z
  .discriminatedUnion('check', [
    z.strictObject({ check: z.literal('image-exists'), image: imageRef, exists: z.boolean().default(true).describe('false: the image must NOT exist') }).describe('An image exists (or is gone)'),
    z.strictObject({ check: z.literal('image-size'), image: imageRef, maxMB: z.number().positive().describe('Largest allowed size in MB (10^6 bytes, as docker images shows)') }).describe('An image is at most N MB'),
    z.strictObject({ check: z.literal('image-layers'), image: imageRef, max: z.number().int().positive().describe('Most layers allowed (history entries that change files)') }).describe('An image has at most N layers'),
    z.strictObject({ check: z.literal('build-cached'), image: imageRef.optional().describe('The image the build tagged (default: the last build)'), step: instructionMatch }).describe('The last build took this step from the cache'),
    z
      .strictObject({
        check: z.literal('build-missed'),
        image: imageRef.optional().describe('The image the build tagged (default: the last build)'),
        step: instructionMatch,
        reason: z.enum(['instruction-changed', 'files-changed', 'build-arg-changed', 'config-changed', 'parent-missed', 'no-cache', 'base-changed', 'new']).optional().describe('Why it must have missed'),
        file: z.string().optional().describe('With reason files-changed: a file that must be among the changed ones'),
      })
      .describe('The last build ran this step (a cache miss), optionally for a given reason'),
    z.strictObject({ check: z.literal('user-not-root'), image: imageRef }).describe('The image\'s last USER is not root (nor empty, nor 0)'),
    z.strictObject({ check: z.literal('base-pinned'), image: imageRef, by: z.enum(['tag', 'digest']).describe('tag: FROM names an explicit tag other than latest; digest: FROM uses @sha256:') }).describe('The image\'s base (its last FROM) is pinned'),
    z.strictObject({ check: z.literal('multi-stage'), image: imageRef, noBuildTools: z.boolean().default(true).describe('The final image must hold no compilers or build tools (gcc, cc, make, go, javac, mvn, npm dev dependencies are not checked)') }).describe('The image was built in several stages and its final stage left the build tools behind'),
    z
      .strictObject({
        check: z.literal('container-state'),
        container: z.string().optional().describe('Container name'),
        image: imageRef.optional().describe('Or: any container from this image'),
        state: z.enum(['created', 'running', 'paused', 'restarting', 'exited', 'dead', 'removed']).describe('removed: no such container exists'),
        count: z.number().int().positive().optional().describe('At least this many containers in that state'),
        exitCode: z.number().int().min(0).max(255).optional().describe('With state exited: the exit code its main process ended with'),
      })
      .describe('A container (or N containers of an image) is in a state'),
    z
      .strictObject({
        check: z.literal('file-exists'),
        in: z.enum(['container', 'volume', 'image']).describe('Where to look'),
        name: z.string().min(1).describe('The container, volume or image'),
        path: z.string().min(1).describe('Absolute path (in a volume: relative to its root, or absolute from its root)'),
        exists: z.boolean().default(true).describe('false: the file must NOT exist'),
      })
      .describe('A file exists in a container, a volume or an image'),
    z
      .strictObject({
        check: z.literal('push-reused'),
        repository: z.string().optional().describe('The repository pushed to (default: the last push)'),
        min: z.number().int().nonnegative().describe('At least this many layers were not uploaded (already there or mounted)'),
        maxUploaded: z.number().int().nonnegative().optional().describe('At most this many layers were uploaded'),
      })
      .describe('The last push reused layers the registry already had'),
    z
      .strictObject({
        check: z.literal('tag-digest'),
        ref: z.string().min(1).describe('A registry reference with a tag, e.g. localhost:5000/app:latest'),
        moved: z.boolean().optional().describe('true: the tag points to a different digest than the pinned one a container was run from'),
      })
      .describe('A tag in a registry points to a manifest digest (and, with moved, has moved away from a pinned digest still in use)'),
    z.strictObject({ check: z.literal('pinned-run'), repository: z.string().min(1).describe('registry/repository, e.g. localhost:5000/app') }).describe('A container was created from `repository@sha256:...` (a digest, not a tag)'),
    z
      .strictObject({
        check: z.literal('lint-clean'),
        file: z.string().min(1).describe('The Dockerfile, relative to the workspace'),
        rules: z.array(z.string().regex(/^(DL\d{4}|LL\d{3})$/)).min(1).describe('Rule IDs that must not be reported (hadolint IDs, LL for Layerlab\'s own)'),
      })
      .describe('A Dockerfile in the workspace has none of the given lint findings'),
    z.strictObject({ check: z.literal('file-contains'), file: z.string().min(1).describe('A workspace file, relative to the workspace'), text: z.string().min(1).describe('Text it must contain') }).describe('A workspace file contains some text (for edits a step asks for)'),
  ])
  .describe('A goal check; `check` names which');

export type Check = z.infer<typeof CheckSchema>;

const PredictSchema = z
  .strictObject({
    question: z.string().min(1).describe('What to predict, e.g. "Which steps will come from the cache?"'),
    command: z.string().min(1).describe('The command the prediction is about; the question appears when the learner runs it (or clicks run)'),
    kind: z.enum(['cache', 'size', 'exit-code', 'choice']).describe('cache: pick the steps that will hit the cache; size: guess the image size; exit-code: guess the exit code; choice: pick one of `choices`'),
    choices: z.array(z.string()).optional().describe('For kind choice: the options'),
    answer: z.string().optional().describe('For kind choice: the right option (checked against what happened for the other kinds)'),
    explain: z.string().optional().describe('Shown beside the truth after the command ran'),
  })
  .describe('A predict-then-run question');

export const StepSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/).describe('Stable id (progress is saved by it)'),
    title: z.string().min(1).describe('Short title; the lesson body\'s `## ` section with the same title holds the step\'s prose'),
    checks: z.array(CheckSchema).min(1).describe('All must pass for the step to be done; each must fail before the step (the replay tests it), so none is vacuous'),
    keeps: z
      .array(CheckSchema)
      .default([])
      .describe('Checks that must also hold when the step is done but may already pass before it (e.g. the containers of an earlier step still running)'),
    hints: z.array(z.string().min(1)).default([]).describe('Revealed one at a time, in order'),
    solution: z
      .strictObject({
        commands: z.array(z.string()).default([]).describe('Console lines that solve the step, in order'),
        files: z.record(z.string(), z.string()).default({}).describe('Workspace files (path relative to the workspace -> content) the solution writes before its commands'),
      })
      .describe('How to solve the step: shown as a diff, applied only on request, and replayed by the tests'),
    predict: PredictSchema.optional(),
  })
  .describe('One step of a lesson');

export type Step = z.infer<typeof StepSchema>;

export const LessonSchema = z
  .strictObject({
    title: z.string().min(1).describe('Lesson title'),
    summary: z.string().min(1).describe('One or two sentences for the course overview'),
    minutes: z.number().int().positive().describe('Expected time'),
    views: z
      .array(z.enum(['layers', 'context', 'stages', 'registry', 'containers', 'lifecycle', 'isolation', 'bases']))
      .default(['layers'])
      .describe('Visual panel tabs the lesson uses; the first opens with the lesson'),
    backend: z.enum(['sim', 'real', 'any']).default('any').describe('Where it runs: sim (the simulator only), real (needs the companion server on a Docker host), any'),
    start: z
      .strictObject({
        files: z.record(z.string(), z.string()).default({}).describe('Workspace files (relative path -> content) besides the lesson\'s start/ folder'),
        commands: z.array(z.string()).default([]).describe('Setup commands run before the learner starts (quietly)'),
        cwd: z.string().default('/workspace').describe('Console folder to start in'),
      })
      .default({ files: {}, commands: [], cwd: '/workspace' })
      .describe('The world the lesson starts from: a fresh engine, the start/ folder and these files, then the commands'),
    steps: z.array(StepSchema).min(1).describe('The steps, in order'),
    demo: z
      .strictObject({
        script: z.array(z.string()).default([]).describe('Commands presenter mode types, one per keypress'),
        notes: z.string().default('').describe('Speaker notes (Markdown) shown in the presenter\'s second window'),
      })
      .optional()
      .describe('Presenter mode'),
  })
  .describe('A lesson: `lesson.md` front matter');

export type Lesson = z.infer<typeof LessonSchema>;

/** What a course's `index.md` holds; lessons inherit `backend` and `views` from it. */
export const CourseSchema = z
  .strictObject({
    title: z.string().min(1).describe('Course title'),
    summary: z.string().min(1).describe('What the course teaches'),
    backend: z.enum(['sim', 'real', 'any']).optional().describe('Default for its lessons'),
    views: LessonSchema.shape.views.optional().describe('Default for its lessons'),
    next: z.string().optional().describe('What comes after this course'),
  })
  .describe('A course: `index.md` front matter');

export type Course = z.infer<typeof CourseSchema>;

/** The lesson front matter as JSON Schema (for editors: yaml-language-server, VS Code). */
export function lessonJsonSchema(): unknown {
  return z.toJSONSchema(LessonSchema, { io: 'input' });
}
