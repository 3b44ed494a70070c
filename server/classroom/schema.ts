/**
 * zod schemas for every message a classroom client may send (src/shared/classroom-protocol.ts).
 * Objects are strict, strings and lists are capped, nicknames are plain text: anything else
 * is refused before the room sees it.
 */
import { z } from 'zod';
import { NICKNAME_MAX, type ClassroomClientMessage } from '../../src/shared/classroom-protocol.js';
import { parseWith } from '../protocol-schema.js';

/** The most a learner's message may be (a `sync` of every lesson fits many times over). */
export const MAX_LEARNER_MESSAGE_BYTES = 128 * 1024;
/** The most one cast `term` frame may carry. */
export const MAX_TERM_FRAME_CHARS = 256 * 1024;

/** `01-images-and-containers/03-images-and-layers`: a course folder and a lesson folder. */
export const lessonId = z.string().max(128).regex(/^[a-z0-9-]+(\/[a-z0-9-]+)?$/, 'not a lesson id');
/** A step's id, as lessons declare them. */
export const stepId = z.string().max(64).regex(/^[a-z0-9-]+$/, 'not a step id');

// C0/C1 controls, and the bidi overrides and isolates that would let a nickname reorder the dashboard's text
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const nickname = z
  .string()
  .max(NICKNAME_MAX * 4)
  .transform((s) => s.trim())
  .refine((s) => s.length >= 1 && [...s].length <= NICKNAME_MAX, `a nickname is 1 to ${NICKNAME_MAX} characters`)
  .refine((s) => !UNSAFE_TEXT.test(s), 'a nickname may not contain control characters');

const lessonProgress = z
  .object({
    step: stepId,
    done: z.array(stepId).max(200),
    failures: z.number().int().min(0).max(1_000_000),
    updatedAt: z.number().finite().min(0),
  })
  .strict();

const hold = z.object({ lesson: lessonId, step: stepId }).strict();

const castFrame = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), title: z.string().max(200).optional() }).strict(),
  z.object({ kind: z.literal('size'), cols: z.number().int().min(10).max(500), rows: z.number().int().min(2).max(300) }).strict(),
  z.object({ kind: z.literal('term'), data: z.string().max(MAX_TERM_FRAME_CHARS) }).strict(),
  z
    .object({
      kind: z.literal('panel'),
      view: z.string().max(64),
      // the instructor's own world: its shape is the app's to draw; the message cap bounds its size
      world: z
        .object({
          images: z.array(z.unknown()).max(10_000),
          containers: z.array(z.unknown()).max(10_000),
          volumes: z.array(z.unknown()).max(10_000),
          registries: z.array(z.unknown()).max(1_000),
          linkBytesPerSecond: z.number().finite(),
        })
        .passthrough(),
    })
    .strict(),
  z.object({ kind: z.literal('stop') }).strict(),
]);

/** Every message a learner or the instructor may send; which role may send which is the hub's business. */
export const classroomClientMessage = z.discriminatedUnion('t', [
  z
    .object({
      t: z.literal('join'),
      code: z.string().max(32),
      nickname,
      resume: z.object({ id: z.string().max(64), key: z.string().max(128) }).strict().optional(),
    })
    .strict(),
  z.object({ t: z.literal('progress'), lesson: lessonId, progress: lessonProgress }).strict(),
  z
    .object({
      t: z.literal('sync'),
      current: lessonId.nullable(),
      lessons: z.record(lessonId, lessonProgress).refine((r) => Object.keys(r).length <= 200, 'too many lessons'),
    })
    .strict(),
  z.object({ t: z.literal('ping') }).strict(),
  z.object({ t: z.literal('instructor'), token: z.string().max(200) }).strict(),
  z.object({ t: z.literal('hint'), to: z.string().max(64), text: z.string().min(1).max(2000) }).strict(),
  z.object({ t: z.literal('push-start'), lesson: lessonId }).strict(),
  z.object({ t: z.literal('hold'), hold: hold.nullable() }).strict(),
  z
    .object({
      t: z.literal('stuck-rule'),
      rule: z.object({ minutes: z.number().finite().min(0.5).max(24 * 60), failures: z.number().int().min(1).max(1000) }).strict(),
    })
    .strict(),
  z.object({ t: z.literal('cast'), frame: castFrame }).strict(),
  z.object({ t: z.literal('end') }).strict(),
]);

/** Parses one raw classroom message; an Error with a plain reason when it is not a valid one. */
export function parseClassroomMessage(raw: string): ClassroomClientMessage {
  return parseWith(classroomClientMessage, raw) as ClassroomClientMessage;
}
