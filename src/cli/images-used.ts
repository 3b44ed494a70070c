/**
 * Which images a lesson needs from outside: the bases its Dockerfiles build FROM and the
 * images its commands run or pull, less what it makes itself (`build -t`, `tag`, stage
 * names). Real mode uses it to say up front that a host lacks an image, instead of letting a
 * learner meet "not allowed in real mode" halfway through.
 */
import { normalizeTagged } from '../engine/image/reference.js';
import { create, run } from './commands/containers.js';
import { build } from './commands/build.js';
import { tag } from './commands/images.js';
import { pull } from './commands/registry.js';
import { Flags, parseFlags, type CommandSpec } from './flags.js';
import { splitWords } from './words.js';

const key = (ref: string): string | undefined => {
  try {
    return normalizeTagged(ref);
  } catch {
    return undefined;
  }
};

/** One docker command's flags and arguments, or undefined when it does not parse (it then names nothing). */
function argsOf(spec: CommandSpec, argv: string[]): Flags | undefined {
  try {
    return new Flags(parseFlags(spec, argv));
  } catch {
    return undefined;
  }
}

/**
 * The images `dockerfiles` and command `lines` use that none of them makes, normalized
 * (`alpine:3.21`, `node:20-alpine`), in order of first use. Lines are console lines; only
 * `docker ...` commands count. `$(...)` and variables are not expanded, so a reference that
 * holds one is left out.
 */
export function imagesUsed(dockerfiles: readonly string[], lines: readonly string[]): string[] {
  const made = new Set<string>();
  const used: string[] = [];
  const use = (ref: string | undefined) => {
    if (!ref || ref.includes('$') || ref.includes('@')) return;
    const k = key(ref);
    if (k && !made.has(k) && !used.includes(k)) used.push(k);
  };
  const commands: [string, string[]][] = [];
  for (const line of lines) {
    let words: string[];
    try {
      words = splitWords(line);
    } catch {
      continue;
    }
    // `A=1 docker ...` and `docker container run ...`
    while (words[0] && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words.shift();
    if (words[0] !== 'docker') continue;
    let rest = words.slice(1);
    if ((rest[0] === 'container' || rest[0] === 'image') && rest[1]) rest = rest.slice(1);
    commands.push([rest[0] ?? '', rest.slice(1)]);
  }
  // what the lesson makes counts wherever it is made (a later step may rebuild what an earlier one runs)
  for (const [cmd, argv] of commands) {
    const names = cmd === 'build' ? (argsOf(build.spec, argv)?.list('tag') ?? []) : cmd === 'tag' ? [argsOf(tag.spec, argv)?.args[1] ?? ''] : [];
    for (const t of names) {
      const k = key(t);
      if (k) made.add(k);
    }
  }
  for (const [cmd, argv] of commands) {
    if (cmd === 'run' || cmd === 'create') use(argsOf(cmd === 'run' ? run.spec : create.spec, argv)?.args[0]);
    else if (cmd === 'pull') use(argsOf(pull.spec, argv)?.args[0]);
  }
  for (const text of dockerfiles) {
    const stages = new Set<string>();
    // continuation lines joined, comments dropped: FROM [--platform=...] IMAGE [AS NAME]
    for (const l of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
      const m = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(l);
      if (!m) continue;
      const image = m[1]!;
      if (!stages.has(image.toLowerCase()) && image !== 'scratch') use(image);
      if (m[2]) stages.add(m[2].toLowerCase());
    }
  }
  return used;
}

/** What `lessonImages` reads of a lesson (the shape of src/lessons/schema.ts's Lesson). */
export interface LessonLike {
  start: { files: Record<string, string>; commands: string[] };
  steps: { solution: { files: Record<string, string>; commands: string[] } }[];
  demo?: { script: string[] };
}

/** The images a lesson uses from outside: its start/ files, start files and solutions' Dockerfiles, and its setup, solution and demo commands. */
export function lessonImages(lesson: LessonLike, startFiles: Record<string, string>): string[] {
  const files = [...Object.entries(startFiles), ...Object.entries(lesson.start.files), ...lesson.steps.flatMap((s) => Object.entries(s.solution.files))];
  const dockerfiles = files.filter(([p]) => /(^|\/)Dockerfile[^/]*$/.test(p)).map(([, text]) => text);
  const lines = [...lesson.start.commands, ...lesson.steps.flatMap((s) => s.solution.commands), ...(lesson.demo?.script ?? [])];
  return imagesUsed(dockerfiles, lines);
}
