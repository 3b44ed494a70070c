/**
 * Mutation helpers for the fuzz tests: arbitraries that produce broken (and
 * sometimes valid) Dockerfiles and docker command lines, from Docker's own
 * vocabulary plus the inputs learners get wrong.
 *
 * RUN and container commands only use programs that finish: no `find /`,
 * `ls -R`, loops or `yes`, so a case never hangs on purpose.
 */
import fc from 'fast-check';
import { COMMANDS } from '../../src/cli/docker.js';

// ---- Dockerfiles ---------------------------------------------------------------

/** Valid Dockerfiles the mutations start from (against oracle-base:local and the fuzz context). */
export const SEED_DOCKERFILES: readonly string[] = [
  ['FROM oracle-base:local', 'WORKDIR /app', 'COPY a.txt .', 'RUN cat a.txt && echo done > /app/done', 'CMD ["cat", "/app/done"]'].join('\n'),
  ['ARG BASE=oracle-base:local', 'FROM $BASE AS builder', 'ARG MSG=hi', 'ENV MSG=$MSG', 'RUN echo "$MSG" > /out', '', 'FROM oracle-base:local', 'COPY --from=builder /out /out', 'ENTRYPOINT ["cat"]', 'CMD ["/out"]'].join('\n'),
  ['# syntax=docker/dockerfile:1', 'FROM oracle-base:local', 'LABEL a=b "c d"=e', 'EXPOSE 80/tcp 443', 'USER nobody', 'VOLUME /data', 'STOPSIGNAL SIGTERM', 'HEALTHCHECK --interval=5s CMD true', 'SHELL ["/bin/sh", "-c"]', 'RUN echo \\', '  continued \\', '  lines'].join('\n'),
  ['FROM oracle-base:local AS one', 'RUN mkdir -p /x && echo 1 > /x/f', 'FROM one AS two', 'COPY --chown=nobody:nobody dir/ /d/', 'RUN rm -rf /x && ls /d', 'FROM two', 'ONBUILD RUN echo later', 'ADD dir/b.txt /b.txt'].join('\n'),
  ['# escape=`', 'FROM oracle-base:local', 'RUN echo a `', '  b', 'ENV A=1 B="two words" C=${A:-x}', 'WORKDIR $C/sub', 'MAINTAINER someone'].join('\n'),
];

/** Dockerfile instruction keywords as Docker spells them. */
export const KEYWORDS = ['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'WORKDIR', 'ENV', 'LABEL', 'ARG', 'USER', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'SHELL', 'STOPSIGNAL', 'ONBUILD', 'MAINTAINER'];
const BAD_KEYWORDS = ['from', 'Run', 'copy', 'FORM', 'COPPY', 'RUNN', 'ÜBER', 'CMD:', '-', '\\', '#', '# escape=`', '# escape=\\', '# syntax=docker/dockerfile:1', '# syntax=bogus', '  ', '\t'];

/** Instruction flags, valid ones with good and bad values, and ones no instruction has. */
export const INSTRUCTION_FLAGS = [
  '--from=builder', '--from=one', '--from=two', '--from=0', '--from=1', '--from=99', '--from=-1', '--from=', '--from=UPPER', '--from=self', '--from=$STAGE',
  '--from=oracle-base:local', '--from=nosuch:image', '--chown=nobody', '--chown=1000:1000', '--chown=ghost:ghost', '--chown=', '--chmod=755', '--chmod=999',
  '--chmod=abc', '--link', '--link=false', '--mount=type=cache,target=/c', '--mount=type=secret,id=s', '--mount=bogus', '--network=none', '--network=host',
  '--platform=linux/amd64', '--platform=$BUILDPLATFORM', '--platform=bogus/arch', '--bogus', '--', '-x', '--interval=5s', '--timeout=abc', '--retries=-1',
  '--start-period=1m', '--keep-git-dir', '--checksum=sha256:00',
];

/** Words that reach the variable expander, the JSON-form parser and the shell. */
export const DOCKERFILE_WORDS = [
  'a.txt', 'dir/', 'dir/b.txt', 'missing.txt', 'nope/', '*.txt', '*.nomatch', '.', '..', '../outside', '/abs', '/app/', 'app', '/tmp', '/tmp/x/',
  '$A', '${A}', '${A:-def}', '${A:+alt}', '${A-x}', '${A?err}', '${UNSET}', '$', '${', '${A', '${A:}', '${:-x}', '\\$A', '$$', '$1', '${A/x/y}',
  '"quoted"', '"unterminated', "'single'", "'", '"', '""', '[]', '["echo","hi"]', '["sh", "-c", "exit 3"]', '["cat", "/nope"]', '["a",', '[1,2]', '{"a":1}',
  '[ "unterm ]', '["\\u0000"]', 'A=1', 'A=', '=1', '==', 'A B', 'A="x y"', 'a-b=c', '1A=x', 'key=$A', 'A=${A}x',
  'echo hi', 'exit 0', 'exit 7', 'true', 'false', 'ls /', 'ls -la /tmp', 'cat /missing', 'echo $A > /f', 'mkdir -p /x/y', 'rm -rf /etc', 'rm -rf /tmp',
  'chmod 700 /tmp', 'touch /tmp/t', 'sh -c "echo nested"', 'id', 'pwd', 'env', 'cat /etc/passwd', 'echo err >&2', 'sleep 0', 'notacommand', '&&', '||',
  ';', '|', '>', '<', '>>', '2>&1', '`', '$(echo x)', '$((1+))', '(', ')', '{', '}', 'nobody', 'root', '0', '1000', 'ghost', '65534:65534', 'root:ghost',
  '80', '80/tcp', 'abc/udp', '99999', '-1', '0-100', 'SIGTERM', 'SIGBOGUS', '9', 'NONE', 'CMD true', 'CMD', 'AS', 'as', 'builder', 'one', 'two', 'base',
  'UPPER', '1bad', 'b@d', 'scratch', 'oracle-base:local', 'oracle-base', 'nosuch:image', 'UPPER:case', 'a@sha256:zz', '${IMG}', '🐳', 'é', 'ﬁ',
  '\u200b', '\u202e', '\u0000', '\r', '\t', '\\', 'x'.repeat(5000),
];

const arbDockerWord = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...DOCKERFILE_WORDS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);

/** One instruction line: a keyword (sometimes a wrong one), some flags and some arguments. */
export const arbInstructionLine: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...KEYWORDS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_KEYWORDS) }),
    fc.array(fc.constantFrom(...INSTRUCTION_FLAGS), { maxLength: 2 }),
    fc.array(arbDockerWord, { maxLength: 4 }),
    fc.constantFrom(' ', ' ', ' ', '\t', '  '),
  )
  .map(([kw, flags, words, sep]) => [kw, ...flags, ...words].join(sep));

/** A whole line as a mutation may insert it: an instruction, a blank, a comment, a continuation. */
const arbAnyLine = fc.oneof(
  { weight: 6, arbitrary: arbInstructionLine },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '# comment', '#', '\\', '  \\', 'FROM oracle-base:local AS builder', 'FROM scratch', 'FROM builder', 'FROM oracle-base:local AS UPPER', 'FROM oracle-base:local AS 1bad', 'FROM oracle-base:local AS a b', 'FROM $UNSET', 'COPY --from=builder / /', 'ARG 1x', 'ARG =v', 'ARG a-b=c', 'ARG STAGE=one', 'ARG A', 'ARG IMG=oracle-base:local') },
);

/** An edit `applyMutations` makes; positions wrap around the line count. */
export type Mutation =
  | { kind: 'insertLine'; at: number; line: string }
  | { kind: 'deleteLine'; at: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'swapLines'; at: number; other: number }
  | { kind: 'replaceKeyword'; at: number; keyword: string }
  | { kind: 'insertText'; at: number; offset: number; text: string }
  | { kind: 'truncateLine'; at: number; offset: number }
  | { kind: 'appendBackslash'; at: number }
  | { kind: 'appendFlag'; at: number; flag: string }
  | { kind: 'hugeArgument'; at: number; length: number };

/** One random edit of a Dockerfile's lines. */
export const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insertLine' as const), at: fc.nat(), line: arbAnyLine }),
  fc.record({ kind: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('replaceKeyword' as const), at: fc.nat(), keyword: fc.constantFrom(...KEYWORDS, ...BAD_KEYWORDS) }),
  fc.record({ kind: fc.constant('insertText' as const), at: fc.nat(), offset: fc.nat(), text: arbDockerWord }),
  fc.record({ kind: fc.constant('truncateLine' as const), at: fc.nat(), offset: fc.nat() }),
  fc.record({ kind: fc.constant('appendBackslash' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('appendFlag' as const), at: fc.nat(), flag: fc.constantFrom(...INSTRUCTION_FLAGS) }),
  fc.record({ kind: fc.constant('hugeArgument' as const), at: fc.nat(), length: fc.constantFrom(1000, 70_000) }),
);

/** Applies mutations to a text line by line; positions wrap around the current line count. */
export function applyMutations(text: string, mutations: readonly Mutation[]): string {
  const lines = text.split('\n');
  for (const m of mutations) {
    const n = lines.length;
    const i = n === 0 ? 0 : m.at % n;
    const line = lines[i] ?? '';
    switch (m.kind) {
      case 'insertLine':
        lines.splice(m.at % (n + 1), 0, m.line);
        break;
      case 'deleteLine':
        if (n > 0) lines.splice(i, 1);
        break;
      case 'duplicateLine':
        if (n > 0) lines.splice(i, 0, line);
        break;
      case 'swapLines': {
        if (n === 0) break;
        const j = m.other % n;
        [lines[i], lines[j]] = [lines[j]!, line];
        break;
      }
      case 'replaceKeyword':
        lines[i] = line.replace(/^\s*\S*/, m.keyword);
        break;
      case 'insertText': {
        const at = m.offset % (line.length + 1);
        lines[i] = line.slice(0, at) + m.text + line.slice(at);
        break;
      }
      case 'truncateLine':
        lines[i] = line.slice(0, m.offset % (line.length + 1));
        break;
      case 'appendBackslash':
        lines[i] = line + ' \\';
        break;
      case 'appendFlag':
        lines[i] = line.replace(/^(\s*\S+)/, `$1 ${m.flag}`);
        break;
      case 'hugeArgument':
        lines[i] = line + ' ' + 'a'.repeat(m.length);
        break;
    }
  }
  return lines.join('\n');
}

/** A Dockerfile to fuzz the builders with: a seed with mutations, or lines made up from scratch. */
export const arbFuzzDockerfile: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...SEED_DOCKERFILES), fc.array(arbMutation, { minLength: 1, maxLength: 3 })).map(([seed, muts]) => applyMutations(seed, muts)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), fc.array(arbAnyLine, { minLength: 0, maxLength: 7 }), fc.constantFrom('\n', '\n', '\r\n'))
      .map(([startsWithFrom, lines, eol]) => (startsWithFrom ? ['FROM oracle-base:local', ...lines] : lines).join(eol)),
  },
);

// ---- docker command lines ----------------------------------------------------

/** Every docker subcommand the CLI implements, aliases included. */
export const SUBCOMMANDS = [
  'build', 'images', 'image ls', 'image list', 'history', 'image history', 'tag', 'image tag', 'rmi', 'image rm', 'image remove', 'image prune', 'image inspect',
  'inspect', 'run', 'container run', 'create', 'container create', 'start', 'container start', 'stop', 'kill', 'rm', 'container rm', 'ps', 'container ls',
  'diff', 'commit', 'logs', 'system df', 'builder prune', 'image build',
];
const UNKNOWN_SUBCOMMANDS = ['pull', 'push', 'exec', 'volume', 'volume ls', 'network', 'network create', 'image', 'container', 'builder', 'system', 'frobnicate', 'IMAGES', 'Run', '--version', '-v', '--', '-', ''];

/** Flags and flag values of the docker CLI, including malformed ones and broken Go templates. */
export const CLI_FLAGS = [
  '-a', '-q', '--all', '--quiet', '--no-trunc', '-f', '--force', '--format', '{{.ID}}', '{{json .}}', '{{.Nope}}', '{{', '{{end}}', '{{range .}}', '{{len .}}',
  '{{index . 5}}', '{{.Config.Env}}', 'table {{.Repository}}', '{{printf "%d" .ID}}', '--filter', 'dangling=true', 'dangling=maybe', 'reference=a*', 'name=n[',
  'status=exited', 'bogus=1', 'label', '--name', '--rm', '-d', '-e', 'A=1', '--entrypoint', '', '-t', '--tail', '-1', 'abc', '--last', '-n', '--signal', 'HUP',
  '--time', 'NaN', '--help', '-h', '--', '-it', '-xyz', '--=', '---', '-', '--user', 'nobody', '1000:1000', 'ghost', 'ghost:ghost', '-u', '-w', 'rel/dir',
  '/work', '--workdir', '--env-file', 'missing.env', 'good.env', '--read-only', '-v', '/a:/b', '--mount', 'type=bind', '-p', '80:80', '--pull', 'never',
  '--build-arg', 'A=1', '--target', 'nosuchstage', '--no-cache', '-m', '--no-prune', '--digests', '--type', 'image', 'container', '--hostname', 'h',
  '--message', 'msg', '--author', '--size', '-s', '--attach', '--detach', '--interactive', '--tty', '--privileged', '--progress', 'plain',
];

/** References that exist, nearly exist, or cannot exist. */
export const REFERENCES = [
  'base:1', 'base', 'oracle-base:local', 'oracle-base', 'fuzz', 'fuzz:latest', 'UPPER:case', 'a@sha256:zz', 'a@sha256:' + '0'.repeat(64), 'sha256:', 'sha256:zz',
  ':', 'a:', ':tag', 'a::b', 'a:b:c', 'a/b/c:d', 'localhost:5000/x', 'docker.io/library/base:1', 'x'.repeat(300), 'n1', 'c1', 'c2', '/c1', 'ü', 'a b', '..',
  '%', 'a@', '@sha256:abc', 'scratch', '-', 'ctx', 'nope', 'ctx/Dockerfile', '.',
];

const SAFE_PROGRAMS = ['true', 'false', 'echo', 'sh', '-c', 'exit 3', 'ls', '/nope', 'cat', '/etc/passwd', 'id', 'sleep', '300', 'notaprogram', 'touch', '/tmp/x'];

const arbCliWord = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CLI_FLAGS) },
  { weight: 5, arbitrary: fc.constantFrom(...REFERENCES) },
  { weight: 2, arbitrary: fc.constantFrom(...SAFE_PROGRAMS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

/** Words a command's own flags accept: its flags in every spelling, with a plausible or a bad value. */
function arbFlagOf(sub: string): fc.Arbitrary<string[]> {
  const spec = COMMANDS.get(sub)?.spec;
  if (!spec || spec.flags.length === 0) return fc.constant([]);
  const value = fc.oneof(fc.constantFrom(...CLI_FLAGS), fc.constantFrom(...REFERENCES), fc.constantFrom('0', '1', '-1', '10', 'true', 'x'));
  return fc.tuple(fc.constantFrom(...spec.flags), fc.constantFrom('long', 'long=', 'short'), value).map(([f, form, v]) => {
    const name = form === 'short' && f.short ? `-${f.short}` : `--${f.name}`;
    if (f.type === 'bool') return form === 'long=' ? [`--${f.name}=${v}`] : [name];
    return form === 'long=' ? [`--${f.name}=${v}`] : [name, v];
  });
}

/** A docker argv (without the leading `docker`): mostly a real subcommand with its own flags and references. */
export const arbDockerArgv: fc.Arbitrary<string[]> = fc
  .oneof({ weight: 8, arbitrary: fc.constantFrom(...SUBCOMMANDS) }, { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_SUBCOMMANDS) })
  .chain((sub) =>
    fc
      .array(
        fc.oneof(
          { weight: 4, arbitrary: arbFlagOf(sub) },
          { weight: 4, arbitrary: fc.constantFrom(...REFERENCES).map((r) => [r]) },
          { weight: 2, arbitrary: arbCliWord.map((w) => [w]) },
        ),
        { maxLength: 5 },
      )
      .map((groups) => [...(sub === '' ? [] : sub.split(' ')), ...groups.flat()]),
  );

/** Strings that must never reach a learner's terminal: leaked JS values and stack traces. */
export const LEAK_PATTERNS: readonly RegExp[] = [/internal error/i, /undefined/, /\[object Object\]/, /\bNaN\b/, /^\s*at .+[(:]\d+/, /\.(ts|js):\d+:\d+/, /\b(TypeError|RangeError|ReferenceError|SyntaxError)\b/];

/** The leaks found in output lines, ignoring any text the input itself contained. */
export function leaks(lines: readonly string[], input: string): string[] {
  const found: string[] = [];
  for (const l of lines) {
    for (const re of LEAK_PATTERNS) {
      const m = re.exec(l);
      if (m && !input.includes(m[0])) found.push(`${re}: ${l.slice(0, 200)}`);
    }
  }
  return found;
}
