/**
 * What a Dockerfile may ask of the real engine. The build runs without a network, but some
 * instructions reach outside anyway, because the daemon itself (not a RUN container) does
 * the fetching: `ADD https://...` and `ADD git@...`, a `# syntax=` frontend image, a base
 * image or `COPY --from` image pulled from a registry. `RUN --mount/--network/--security`
 * reach the host or the cache of other builds. Those are refused here, with the line.
 *
 * Lines are split with the simulator's parser (dockerfile-ast underneath), so instructions,
 * flags and continuations are read as Docker reads them; variables expand with its lexer.
 */
import { DockerError } from '../../src/engine/errors.js';
import { splitWords } from '../../src/engine/dockerfile/instructions.js';
import { processWord, referencedVars } from '../../src/engine/dockerfile/lex.js';
import { parseDockerfile, type RawInstruction } from '../../src/engine/dockerfile/parse.js';

/** What RUN flags would do, for the refusal message. */
const RUN_FLAG_WHY: Record<string, string> = {
  mount: 'RUN --mount is not allowed in real mode (it can mount other images, caches of other builds, secrets and the SSH agent)',
  network: 'RUN --network is not allowed in real mode (the build has no network)',
  security: 'RUN --security is not allowed in real mode (RUN steps keep the default sandbox)',
};

/** Checks a Dockerfile against real mode's policy; returns one line per problem (empty when it may be built). */
export function checkDockerfile(text: string, isAllowedBase: (ref: string) => boolean, buildArgs: Record<string, string> = {}): string[] {
  const problems: string[] = [];
  const at = (line: number, msg: string) => problems.push(`Dockerfile:${line}: ${msg}`);
  checkDirectives(text, at);
  let parsed;
  try {
    parsed = parseDockerfile(text);
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    // the daemon would refuse it too; refusing here keeps a parser difference from slipping through
    return [...problems, `Dockerfile: ${e.message}`];
  }
  const escape = parsed.escape;
  const globalArgs = new Map<string, string>();
  const stages: string[] = [];
  let stageArgs: Map<string, string> | null = null;
  const allowed = (ref: string) => ref === 'scratch' || isAllowedBase(ref);

  /** The value of a word with the ARGs in scope, or null when some variable has no value. */
  const expand = (word: string, env: Map<string, string>): string | null => {
    if (referencedVars(word).some((v) => !env.has(v))) return null;
    try {
      return processWord(word, env, escape);
    } catch {
      return null;
    }
  };

  const checkOne = (ins: RawInstruction, line: number, inOnbuild: boolean): void => {
    const flags = new Map(ins.flags.map(([k, v]) => [k.toLowerCase(), v]));
    // a word starting with -- after the flags is a flag the splitter could not read: Docker would still try
    if (['RUN', 'ADD', 'COPY', 'FROM'].includes(ins.keyword) && /^--/.test(ins.rest.trimStart())) at(line, `${ins.keyword} has a flag real mode cannot read (${ins.rest.trim().split(/\s/)[0]})`);
    switch (ins.keyword) {
      case 'ARG': {
        for (const w of splitWords(ins.rest)) {
          const eq = w.indexOf('=');
          const name = eq < 0 ? w : w.slice(0, eq);
          const scope = stageArgs ?? globalArgs;
          const fallback = eq < 0 ? (stageArgs ? globalArgs.get(name) : undefined) : (expand(w.slice(eq + 1), scope) ?? undefined);
          const value = Object.hasOwn(buildArgs, name) ? buildArgs[name] : fallback;
          if (value === undefined) scope.delete(name);
          else scope.set(name, value);
        }
        return;
      }
      case 'FROM': {
        const words = splitWords(ins.rest);
        const raw = words[0] ?? '';
        const ref = expand(raw, globalArgs);
        if (ref === null) at(line, `FROM ${raw} cannot be resolved (an ARG without a value); real mode builds only from its base images`);
        else if (!stages.includes(ref.toLowerCase()) && !allowed(ref)) at(line, `FROM ${ref} is not allowed in real mode: build from one of the base images`);
        stages.push(words.length >= 3 && words[1]!.toLowerCase() === 'as' ? words[2]!.toLowerCase() : `\0${stages.length}`);
        stageArgs = new Map();
        return;
      }
      case 'RUN':
        for (const k of flags.keys()) at(line, RUN_FLAG_WHY[k] ?? `RUN --${k} is not allowed in real mode`);
        return;
      case 'ADD': {
        const words = ins.json ?? splitWords(ins.rest);
        for (const src of words.slice(0, -1)) {
          const s = src.replace(/^["']|["']$/g, '');
          if (/^https?:\/\//i.test(s)) at(line, 'ADD from a URL is not allowed in real mode (the build has no network)');
          else if (/^git@|^github\.com\/|^[a-z][a-z0-9+.-]*:\/\//i.test(s)) at(line, 'ADD from a git repository is not allowed in real mode (the build has no network)');
          // a --build-arg could turn the variable into a URL, which the daemon fetches itself
          else if (s.includes('$')) at(line, `ADD ${s} is not allowed in real mode: a source with a variable could be a URL (write the path, or use COPY)`);
        }
        if (flags.has('keep-git-dir')) at(line, 'ADD --keep-git-dir is not allowed in real mode (the build has no network)');
        return;
      }
      case 'COPY': {
        const from = flags.get('from');
        if (from === undefined) return;
        if (from === true) return void at(line, 'COPY --from needs a stage or an image');
        const env = new Map([...globalArgs, ...(stageArgs ?? [])]);
        const ref = expand(from, env);
        if (ref === null) return void at(line, `COPY --from=${from} cannot be resolved (an ARG without a value)`);
        const current = stages.length - 1;
        const isStage = stages.slice(0, current).includes(ref.toLowerCase()) || (/^\d+$/.test(ref) && Number(ref) < current);
        if (!isStage && !allowed(ref)) at(line, `COPY --from=${ref} is not allowed in real mode: copy from an earlier stage or one of the base images`);
        return;
      }
      case 'LABEL': {
        for (const w of splitWords(ins.rest)) {
          const key = (w.includes('=') ? w.slice(0, w.indexOf('=')) : w).replace(/^["']|["']$/g, '');
          // the server tells sessions and base images apart by these labels
          if (/^org\.layerlab\./i.test(key)) at(line, `LABEL ${key} is not allowed in real mode: labels under org.layerlab. belong to the server`);
          else if (key.includes('$')) at(line, `LABEL ${key} is not allowed in real mode: label names with variables cannot be checked`);
          if (!w.includes('=')) break; // old form `LABEL key value with spaces`
        }
        return;
      }
      case 'ONBUILD': {
        if (inOnbuild) return;
        // triggers run in whatever build starts FROM this image, where no one reads this file
        try {
          for (const t of parseDockerfile(ins.rest).instructions) checkOne(t, line, true);
        } catch {
          at(line, 'ONBUILD with an instruction real mode cannot read');
        }
        return;
      }
      default:
        return;
    }
  };

  for (const ins of parsed.instructions) checkOne(ins, ins.line, false);
  return problems;
}

/**
 * `# syntax=IMAGE` makes BuildKit pull and run IMAGE as the Dockerfile frontend. Any such
 * line among the leading comments is refused, even where BuildKit would ignore it (after a
 * blank line): being stricter than the parser is safe, being looser is not.
 */
function checkDirectives(text: string, at: (line: number, msg: string) => void): void {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '') continue;
    if (!l.startsWith('#')) return;
    if (/^#\s*syntax\s*=/i.test(l)) at(i + 1, 'the # syntax= directive is not allowed in real mode (it runs a frontend image from a registry); remove the line');
  }
}
