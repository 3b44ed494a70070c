/**
 * Good-image lint over a Dockerfile. Rule IDs and messages follow hadolint
 * where a rule matches; LL001 (pin the base by digest) is Layerlab's own.
 */
import { loadDockerfile, type Instruction } from './dockerfile/instructions.js';
import { DockerError } from './errors.js';

export type Severity = 'error' | 'warning' | 'info' | 'style';

export interface LintFinding {
  rule: string;
  severity: Severity;
  line: number;
  message: string;
}

/** Every rule the linter knows, with hadolint's severity and message. */
export const RULES: Record<string, { severity: Severity; message: string }> = {
  DL3002: { severity: 'warning', message: 'Last USER should not be root' },
  DL3006: { severity: 'warning', message: 'Always tag the version of an image explicitly' },
  DL3007: { severity: 'warning', message: 'Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag' },
  DL3009: { severity: 'info', message: 'Delete the apt-get lists after installing something' },
  DL3015: { severity: 'info', message: 'Avoid additional packages by specifying `--no-install-recommends`' },
  DL3019: { severity: 'info', message: 'Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages' },
  DL3020: { severity: 'error', message: 'Use COPY instead of ADD for files and folders' },
  DL3025: { severity: 'warning', message: 'Use arguments JSON notation for CMD and ENTRYPOINT arguments' },
  DL3042: { severity: 'warning', message: 'Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`' },
  DL3059: { severity: 'info', message: 'Multiple consecutive `RUN` instructions. Consider consolidation.' },
  LL001: { severity: 'info', message: 'Pin the base image by digest (image@sha256:...) so every build starts from the same bytes' },
};

/** The shell commands of a RUN, split on `&&`, `||`, `;` and `|`. */
function commands(ins: Instruction & { kind: 'RUN' }): string[][] {
  const text = ins.exec ? ins.exec.join(' ') : ins.shell!;
  return text
    .split(/&&|\|\||;|\|/)
    .map((c) => c.trim().split(/\s+/).filter(Boolean))
    .filter((c) => c.length > 0);
}

function finding(rule: string, line: number, message?: string): LintFinding {
  const r = RULES[rule]!;
  return { rule, severity: r.severity, line, message: message ?? r.message };
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|gz|bz2|xz)$/i;

/** Lints Dockerfile text; parse errors become one finding on their line. */
export function lintDockerfile(text: string): LintFinding[] {
  let df;
  try {
    df = loadDockerfile(text);
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    return [{ rule: 'DL1000', severity: 'error', line: Number(e.details.line ?? 1), message: e.message }];
  }
  const out: LintFinding[] = [];
  const stageNames = new Set(df.stages.flatMap((s) => (s.name ? [s.name] : [])));
  for (const stage of df.stages) {
    const image = stage.from.image;
    const line = stage.from.raw.line;
    if (!stageNames.has(image.toLowerCase()) && image !== 'scratch' && !image.includes('$')) {
      const [name, digest] = image.split('@');
      const tag = name!.lastIndexOf(':') > name!.lastIndexOf('/') ? name!.slice(name!.lastIndexOf(':') + 1) : undefined;
      if (!digest && !tag) out.push(finding('DL3006', line));
      if (tag === 'latest') out.push(finding('DL3007', line));
      if (!digest) out.push(finding('LL001', line));
    }
    let prevRun = false;
    for (const ins of stage.instructions) {
      if (ins.kind === 'RUN') {
        if (prevRun) out.push(finding('DL3059', ins.raw.line));
        const cmds = commands(ins);
        const aptInstall = cmds.some((c) => (c[0] === 'apt-get' || c[0] === 'apt') && c.includes('install'));
        if (aptInstall) {
          const cleans = /rm\s+(-\w+\s+)*\/var\/lib\/apt\/lists/.test(ins.shell ?? ins.exec!.join(' '));
          if (!cleans) out.push(finding('DL3009', ins.raw.line));
          if (cmds.some((c) => c[0] === 'apt-get' && c.includes('install') && !c.includes('--no-install-recommends'))) out.push(finding('DL3015', ins.raw.line));
        }
        if (cmds.some((c) => c[0] === 'apk' && c.includes('add') && !c.includes('--no-cache'))) out.push(finding('DL3019', ins.raw.line));
        if (cmds.some((c) => /^pip3?$/.test(c[0]!) && c.includes('install') && !c.includes('--no-cache-dir'))) out.push(finding('DL3042', ins.raw.line));
      }
      prevRun = ins.kind === 'RUN';
      if (ins.kind === 'ADD' && ins.sources.some((s) => !/^https?:\/\//.test(s) && !ARCHIVE.test(s))) out.push(finding('DL3020', ins.raw.line));
      if ((ins.kind === 'CMD' || ins.kind === 'ENTRYPOINT') && !ins.exec) out.push(finding('DL3025', ins.raw.line));
    }
  }
  const final = df.stages[df.stages.length - 1]!;
  const users = final.instructions.filter((i): i is Instruction & { kind: 'USER' } => i.kind === 'USER');
  const last = users[users.length - 1];
  if (!last) out.push(finding('DL3002', final.from.raw.line, 'Last USER should not be root (no USER is set, so the container runs as root)'));
  else if (/^(root|0)(:.*)?$/.test(last.user.trim())) out.push(finding('DL3002', last.raw.line));
  return out.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}
