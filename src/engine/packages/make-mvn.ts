/**
 * `make` and `mvn package`. make runs recipes through the built-in shell when
 * it is the caller (as real make runs /bin/sh -c), else only gcc/go recipes
 * through our models. Maven is a size model: target/*.jar from the sources
 * and ~/.m2 filled with the plugins and dependencies a first build downloads.
 */
import { normalize } from '../fs/path.js';
import { shellIO } from '../shell/process.js';
import type { Command, CommandIO } from '../shell/types.js';
import { cc, go, listFiles } from './build-models.js';
import { homeDir, readText, writeBlob } from './common.js';

interface Rule {
  deps: string[];
  recipe: string[];
}

function parseMakefile(text: string): { vars: Record<string, string>; rules: Map<string, Rule>; first?: string } {
  const vars: Record<string, string> = {};
  const rules = new Map<string, Rule>();
  let first: string | undefined;
  let cur: Rule | undefined;
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    if (raw.startsWith('\t') && cur) {
      cur.recipe.push(raw.slice(1));
      continue;
    }
    const line = raw.replace(/#.*$/, '');
    const v = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|\?=|=)\s*(.*)$/.exec(line);
    if (v) {
      vars[v[1]!] = v[2]!.trim();
      continue;
    }
    const r = /^([^:=\t]+):(?!=)\s*(.*)$/.exec(line);
    if (r) {
      cur = { deps: r[2]!.split(/\s+/).filter(Boolean), recipe: [] };
      for (const t of r[1]!.split(/\s+/).filter(Boolean)) {
        rules.set(t, cur);
        if (!first && !t.startsWith('.')) first = t;
      }
    } else if (line.trim()) cur = undefined;
  }
  return { vars, rules, first };
}

/** `make [-f FILE] [-C DIR] [targets]`. */
export const make: Command = (argv, io) => {
  let file: string | undefined;
  const targets: string[] = [];
  const args = argv.slice(1);
  let cwd = io.cwd;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-f') file = args[++i];
    else if (args[i] === '-C') cwd = normalize(args[++i] ?? '.', io.cwd);
    else if (!args[i]!.startsWith('-')) targets.push(args[i]!);
  }
  const dio: CommandIO = { ...io, cwd };
  const path = file ? normalize(file, cwd) : ['GNUmakefile', 'makefile', 'Makefile'].map((f) => normalize(f, cwd)).find((p) => io.fs.stat(p));
  const text = path && readText(io.fs, path);
  if (text === undefined) {
    io.stderr(file ? `make: ${file}: No such file or directory\nmake: *** No rule to make target '${file}'.  Stop.\n` : 'make: *** No targets specified and no makefile found.  Stop.\n');
    return 2;
  }
  const mk = parseMakefile(text);
  const done = new Set<string>();
  const expand = (s: string, target: string, rule: Rule): string =>
    s
      .replace(/\$@/g, target)
      .replace(/\$</g, rule.deps[0] ?? '')
      .replace(/\$\^/g, rule.deps.join(' '))
      .replace(/\$[({]([A-Za-z0-9_]+)[)}]/g, (_, n: string) => mk.vars[n] ?? io.env[n] ?? '');
  const build = (t: string): number => {
    if (done.has(t)) return 0;
    done.add(t);
    const rule = mk.rules.get(t);
    if (!rule) {
      if (io.fs.stat(normalize(t, cwd))) return 0;
      io.stderr(`make: *** No rule to make target '${t}'.  Stop.\n`);
      return 2;
    }
    for (const d of rule.deps) {
      const c = build(d);
      if (c) return c;
    }
    for (const raw of rule.recipe) {
      const line = expand(raw, t, rule).trim();
      const silent = line.startsWith('@') || line.startsWith('-@');
      const cmd = line.replace(/^[-@+]+/, '');
      if (!silent) io.stdout(cmd + '\n');
      const code = runRecipe(dio, cmd);
      if (code && !line.startsWith('-')) {
        io.stderr(`make: *** [${path!.split('/').pop()}: ${t}] Error ${code}\n`);
        return 2;
      }
    }
    return 0;
  };
  return build(targets[0] ?? mk.first ?? '') || targets.slice(1).reduce((c, t) => c || build(t), 0);
};

function runRecipe(io: CommandIO, line: string): number {
  const sh = shellIO(io);
  if (sh) return sh.spawn(['/bin/sh', '-c', line]).code;
  const argv = line.split(/\s+/);
  const tool = argv[0]!.split('/').pop()!;
  if (/^(gcc|cc|g\+\+|c\+\+|clang)(-\d+)?$/.test(tool)) return cc(argv, io);
  if (tool === 'go') return go(argv, io);
  io.stderr(`layerlab: make: recipe not modelled without the shell: ${line}\n`);
  return 127;
}

/** Plugins and their dependencies a first `mvn package` downloads into ~/.m2 (estimate for Maven 3.9 defaults). */
const M2_PLUGINS = 17_500_000;
/** One declared dependency with its transitive jars (estimate; Spring Boot starters weigh far more). */
const M2_DEP = 1_200_000;
const M2_SPRING_STARTER = 9_000_000;

/** `mvn [-q] [-DskipTests] package|install|clean package`: a size model of the jar and ~/.m2. */
export const mvn: Command = (argv, io) => {
  const goals = argv.slice(1).filter((a) => !a.startsWith('-'));
  const pomPath = `${io.cwd === '/' ? '' : io.cwd}/pom.xml`;
  const pom = readText(io.fs, pomPath);
  if (pom === undefined) {
    io.stdout(`[INFO] Scanning for projects...\n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD FAILURE\n[INFO] ------------------------------------------------------------------------\n`);
    io.stdout(`[ERROR] The goal you specified requires a project to execute but there is no POM in this directory (${io.cwd}). Please verify you invoked Maven from the correct directory. -> [Help 1]\n`);
    return 1;
  }
  const body = pom.replace(/<parent>[\s\S]*?<\/parent>/, '').replace(/<dependencies>[\s\S]*<\/dependencies>/, '').replace(/<build>[\s\S]*<\/build>/, '');
  const tag = (t: string) => new RegExp(`<${t}>\\s*([^<]+?)\\s*</${t}>`).exec(body)?.[1];
  const artifact = tag('artifactId') ?? 'app';
  const version = tag('version') ?? '1.0-SNAPSHOT';
  const group = tag('groupId') ?? /<groupId>([^<]+)<\/groupId>/.exec(pom)?.[1] ?? 'com.example';
  const deps = [...pom.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)].map((m) => /<artifactId>([^<]+)<\/artifactId>/.exec(m[1]!)?.[1] ?? 'dep');
  const springBoot = /spring-boot-starter-parent|spring-boot-maven-plugin/.test(pom);
  const depBytes = deps.reduce((s, d) => s + (d.startsWith('spring-boot-starter') ? M2_SPRING_STARTER : M2_DEP), 0);
  const sources = listFiles(io, `${io.cwd === '/' ? '' : io.cwd}/src/main`, /\.(java|kt|properties|xml|yml)$/);
  const srcBytes = sources.reduce((s, [, n]) => s + n, 0);
  const m2 = `${homeDir(io)}/.m2/repository`;
  const line = '[INFO] ------------------------------------------------------------------------\n';
  io.stdout(`[INFO] Scanning for projects...\n[INFO] \n[INFO] ${`< ${group}:${artifact} >`.padStart(46, '-').padEnd(72, '-')}\n[INFO] Building ${artifact} ${version}\n[INFO]   from pom.xml\n`);
  writeBlob(io.fs, `${m2}/org/apache/maven/plugins/.layerlab-plugins`, M2_PLUGINS, 'm2:plugins-3.9', 0o644, io.now());
  if (deps.length) writeBlob(io.fs, `${m2}/.layerlab-dependencies-${artifact}`, depBytes, `m2:deps:${deps.join(',')}`, 0o644, io.now());
  if (!goals.some((g) => g === 'package' || g === 'install' || g === 'verify')) {
    io.stdout(line + '[INFO] BUILD SUCCESS\n' + line);
    return 0;
  }
  const root = io.cwd === '/' ? '' : io.cwd;
  const classes = Math.round(srcBytes * 0.9);
  writeBlob(io.fs, `${root}/target/classes/.layerlab-classes`, classes, `mvn-classes:${sources.map((s) => s[0]).join(',')}`, 0o644, io.now());
  const jar = `${root}/target/${artifact}-${version}.jar`;
  const jarSize = 2_500 + Math.round(classes * 0.45) + (springBoot ? depBytes + 300_000 : 0);
  io.stdout(`[INFO] Building jar: ${jar}\n`);
  writeBlob(io.fs, jar, jarSize, `mvn-jar:${artifact}:${version}:${classes}:${springBoot}:${depBytes}`, 0o644, io.now());
  if (goals.includes('install')) writeBlob(io.fs, `${m2}/${group.replace(/\./g, '/')}/${artifact}/${version}/${artifact}-${version}.jar`, jarSize, `m2-installed:${artifact}`, 0o644, io.now());
  io.stdout(line + '[INFO] BUILD SUCCESS\n' + line);
  return 0;
};
