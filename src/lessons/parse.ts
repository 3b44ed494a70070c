/**
 * Reading a lesson: `lesson.md` is YAML front matter between `---` lines, then Markdown.
 * The prose before the first `## ` heading introduces the lesson; each `## ` section after
 * it belongs to the step with that title. Errors name the file, the line and the field.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { CourseSchema, LessonSchema, type Course, type Lesson } from './schema.js';

/** One thing wrong with a lesson file. */
export interface LessonIssue {
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** The field, as a dotted path (`steps.2.checks.0.image`). */
  field?: string;
  message: string;
}

export class LessonError extends Error {
  override name = 'LessonError';
  constructor(readonly issues: LessonIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/** `file:line: field: message`, the way compilers print errors. */
export function formatIssue(i: LessonIssue): string {
  return `${i.file}${i.line ? `:${i.line}` : ''}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
}

export interface ParsedLesson {
  lesson: Lesson;
  /** Markdown before the first step section. */
  intro: string;
  /** Markdown of each step's section, by step id. */
  stepBodies: Record<string, string>;
}

interface FrontMatter {
  doc: Document.Parsed;
  lines: LineCounter;
  /** Lines before the YAML starts (the opening `---`). */
  offset: number;
  body: string;
  /** Lines before the body (front matter and its `---` lines). */
  headerLines: number;
}

function splitFrontMatter(file: string, text: string): FrontMatter {
  const normalized = text.replace(/\r\n?/g, '\n');
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(normalized);
  if (!m) throw new LessonError([{ file, line: 1, message: 'the file must start with YAML front matter between two "---" lines' }]);
  const lines = new LineCounter();
  const doc = parseDocument(m[1]!, { lineCounter: lines, prettyErrors: false });
  const errors = doc.errors.map((e) => ({ file, line: 1 + (e.linePos?.[0]?.line ?? 0), message: `YAML: ${e.message.split('\n')[0]}` }));
  if (errors.length) throw new LessonError(errors);
  return { doc, lines, offset: 1, body: normalized.slice(m[0].length), headerLines: m[0].split('\n').length - 1 };
}

/** The line of the YAML node at `path` (or of its closest existing parent). */
function lineOf(fm: FrontMatter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = fm.doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return fm.lines.linePos(node.range[0]).line + fm.offset;
  }
  return undefined;
}

function validate<T>(file: string, fm: FrontMatter, schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new LessonError(
    r.error.issues.map((i) => ({
      file,
      line: lineOf(fm, i.path),
      ...(i.path.length ? { field: i.path.map(String).join('.') } : {}),
      message: i.message,
    })),
  );
}

/** Parses a course's `index.md`. */
export function parseCourse(file: string, text: string): { course: Course; body: string } {
  const fm = splitFrontMatter(file, text);
  return { course: validate(file, fm, CourseSchema, fm.doc.toJS()), body: fm.body.trim() };
}

/** Parses and validates `lesson.md`; fields the lesson leaves out come from its course. */
export function parseLesson(file: string, text: string, course?: Course): ParsedLesson {
  const fm = splitFrontMatter(file, text);
  const raw = fm.doc.toJS() as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new LessonError([{ file, line: 2, message: 'the front matter must be a YAML mapping (title: ..., steps: ...)' }]);
  const input = { ...(course?.backend ? { backend: course.backend } : {}), ...(course?.views ? { views: course.views } : {}), ...raw };
  const lesson = validate(file, fm, LessonSchema, input);

  const issues: LessonIssue[] = [];
  const ids = new Set<string>();
  lesson.steps.forEach((s, i) => {
    if (ids.has(s.id)) issues.push({ file, line: lineOf(fm, ['steps', i, 'id']), field: `steps.${i}.id`, message: `the step id "${s.id}" is used twice` });
    ids.add(s.id);
  });

  // the body: intro, then one `## Title` section per step, in the steps' order
  const sections = fm.body.split(/^## +/m);
  const intro = sections.shift()!.trim();
  const bodyLine = (title: string) => {
    const at = fm.body.indexOf(`## ${title}`);
    return at < 0 ? undefined : fm.headerLines + fm.body.slice(0, at).split('\n').length;
  };
  const byTitle = new Map<string, string>();
  for (const sec of sections) {
    const nl = sec.indexOf('\n');
    const title = (nl < 0 ? sec : sec.slice(0, nl)).trim();
    const rest = nl < 0 ? '' : sec.slice(nl + 1).trim();
    if (byTitle.has(title)) issues.push({ file, line: bodyLine(title), message: `two "## ${title}" sections` });
    byTitle.set(title, rest);
  }
  const stepBodies: Record<string, string> = {};
  lesson.steps.forEach((s, i) => {
    const body = byTitle.get(s.title);
    if (body === undefined) issues.push({ file, line: lineOf(fm, ['steps', i, 'title']), field: `steps.${i}.title`, message: `no "## ${s.title}" section in the lesson body for this step` });
    else stepBodies[s.id] = body;
    byTitle.delete(s.title);
  });
  for (const title of byTitle.keys()) issues.push({ file, line: bodyLine(title), message: `the section "## ${title}" matches no step title` });
  if (issues.length) throw new LessonError(issues);
  return { lesson, intro, stepBodies };
}
