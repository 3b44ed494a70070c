/**
 * Deterministic models of compilers: output sizes follow from the input
 * sizes plus a runtime constant, so a learner sees a Go binary is ~2 MB
 * whatever the code, a static C binary ~800 KB, and that build caches count.
 * The constants are measurements of hello-world builds, rounded (see README).
 */
import { sha256Hex } from '../hash.js';
import { basename, normalize } from '../fs/path.js';
import { unmodelledText } from '../shell/exec.js';
import type { Command, CommandIO } from '../shell/types.js';
import { homeDir, readText, writeBlob } from './common.js';

/** Go 1.22 linux/amd64 `hello` with fmt, not stripped (~1.9 MB; `-ldflags "-s -w"` ~1.3 MB). */
const GO_BASE = 1_950_000;
/** Extra bytes linked in by heavy standard packages (net/http server ~7 MB total, measured order of magnitude). */
const GO_STD: Record<string, number> = { 'net/http': 5_100_000, 'encoding/json': 400_000, 'database/sql': 300_000, 'html/template': 900_000, 'crypto/tls': 1_600_000, regexp: 250_000, os: 0, fmt: 0 };
/** Per required module: compiled code linked in (estimate). */
const GO_MODULE = 450_000;
/** The build cache a first `go build` leaves in $GOCACHE (standard library objects; estimate). */
const GO_BUILD_CACHE = 9_000_000;
/** A module's zip and its extracted tree in the module cache (estimates, per module). */
const GO_MOD_ZIP = 350_000;
const GO_MOD_TREE = 1_100_000;

/** Files under `dir` (recursively) whose names match, with their sizes. */
export function listFiles(io: CommandIO, dir: string, match: RegExp, deep = true): [string, number][] {
  const out: [string, number][] = [];
  const st = io.fs.stat(dir);
  if (!st || st.type !== 'dir') return out;
  for (const n of io.fs.readdir(dir)) {
    const p = `${dir === '/' ? '' : dir}/${n}`;
    const s = io.fs.stat(p);
    if (s?.type === 'dir' && deep && n !== 'vendor' && n !== 'node_modules' && !n.startsWith('.')) out.push(...listFiles(io, p, match, deep));
    else if (s?.type === 'file' && match.test(n)) out.push([p, s.size]);
  }
  return out;
}

function goMod(io: CommandIO): { dir: string; module: string; requires: [string, string][] } | undefined {
  for (let dir = io.cwd; ; dir = normalize(dir + '/..')) {
    const text = readText(io.fs, `${dir === '/' ? '' : dir}/go.mod`);
    if (text !== undefined) {
      const requires: [string, string][] = [];
      for (const m of text.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]{2,}\/\S+)\s+(v\S+)/gm)) requires.push([m[1]!, m[2]!]);
      return { dir, module: /^module\s+(\S+)/m.exec(text)?.[1] ?? 'main', requires };
    }
    if (dir === '/') return undefined;
  }
}

function goModDownload(io: CommandIO, requires: [string, string][]): void {
  const gopath = io.env.GOPATH || `${homeDir(io)}/go`;
  for (const [path, ver] of requires) {
    const esc = path.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
    writeBlob(io.fs, `${gopath}/pkg/mod/cache/download/${esc}/@v/${ver}.zip`, GO_MOD_ZIP, `gomod-zip:${path}@${ver}`, 0o644, io.now());
    writeBlob(io.fs, `${gopath}/pkg/mod/${esc}@${ver}/.layerlab-rest`, GO_MOD_TREE, `gomod:${path}@${ver}`, 0o444, io.now());
  }
}

/** `go build [-o OUT] [-ldflags ...] [pkg]`, `go mod download`, `go version`; `go run`/`go test` are not modelled. */
export const go: Command = (argv, io) => {
  const [op, ...args] = argv.slice(1);
  if (op === 'version') return io.stdout('go version go1.22.12 linux/amd64\n'), 0;
  const mod = goMod(io);
  if (op === 'mod' && args[0] === 'download') {
    if (!mod) return io.stderr("go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n"), 1;
    goModDownload(io, mod.requires);
    return 0;
  }
  if (op !== 'build' && op !== 'install') {
    io.stderr(`${unmodelledText('go')}: go ${op ?? ''} (of go, build, install, mod download and version are modelled)\n`);
    return 2;
  }
  let out: string | undefined;
  let stripped = false;
  const pkgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o') out = args[++i];
    else if (a === '-ldflags') stripped = /-s\b/.test(args[++i] ?? '') || stripped;
    else if (a.startsWith('-ldflags=')) stripped = /-s\b/.test(a);
    else if (['-tags', '-trimpath', '-v', '-a', '-mod', '-buildvcs'].includes(a.split('=')[0]!)) i += a === '-tags' || a === '-mod' ? 1 : 0;
    else if (!a.startsWith('-')) pkgs.push(a);
  }
  const target = normalize((pkgs[0] ?? '.').replace(/\/\.\.\.$/, ''), io.cwd);
  const sources = listFiles(io, target, /\.go$/, false).filter(([p]) => !p.endsWith('_test.go'));
  if (!sources.length) return io.stderr(`no Go files in ${target}\n`), 1;
  if (!mod) return io.stderr("go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n"), 1;
  const text = sources.map(([p]) => readText(io.fs, p) ?? '').join('\n');
  const imports = new Set([...text.matchAll(/"([a-z0-9./_-]+)"/g)].map((m) => m[1]!));
  let size = GO_BASE + sources.reduce((s, [, n]) => s + n * 12, 0);
  for (const [pkg, extra] of Object.entries(GO_STD)) if (imports.has(pkg)) size += extra;
  size += mod.requires.length * GO_MODULE;
  if (stripped) size = Math.round(size * 0.7);
  const name = out ?? basename(target === mod.dir ? mod.module : target);
  const dest = out ? normalize(out, io.cwd) : op === 'install' ? `${io.env.GOPATH || homeDir(io) + '/go'}/bin/${name}` : normalize(name, io.cwd);
  goModDownload(io, mod.requires);
  writeBlob(io.fs, dest, size, `go-binary:${sha256Hex(text)}:${stripped}:${mod.requires.join(',')}`, 0o755, io.now());
  const cache = io.env.GOCACHE || `${homeDir(io)}/.cache/go-build`;
  writeBlob(io.fs, `${cache}/00/std-${sha256Hex('go1.22.12').slice(0, 16)}-d`, GO_BUILD_CACHE, 'go-build-cache:std', 0o644, io.now());
  writeBlob(io.fs, `${cache}/${sha256Hex(text).slice(0, 2)}/${sha256Hex(text).slice(0, 40)}-d`, Math.round(size * 0.4), `go-build-cache:${sha256Hex(text)}`, 0o644, io.now());
  return 0;
};

/** gcc 12 x86_64 hello world: dynamic ~16 KB, `-static` ~800 KB (glibc), C++ static ~2.2 MB. */
const CC = { dynamic: 15_960, static: 785_000, cxxDynamic: 16_500, cxxStatic: 2_250_000, object: 1_500 };

/** `gcc`/`cc`/`g++`/`c++`: `[-c] [-o out] [-static] [-s] files...`; output size modelled from the sources. */
export const cc: Command = (argv, io) => {
  const tool = basename(argv[0]!).replace(/-\d+$/, '');
  const cxx = /\+\+$/.test(tool);
  let out: string | undefined;
  let compileOnly = false;
  let isStatic = false;
  let strip = false;
  const inputs: string[] = [];
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o') out = args[++i];
    else if (a === '-c') compileOnly = true;
    else if (a === '-static') isStatic = true;
    else if (a === '-s') strip = true;
    else if (a === '--version') return io.stdout(`${tool} (Debian 12.2.0-14) 12.2.0\n`), 0;
    else if (!a.startsWith('-')) inputs.push(a);
  }
  if (!inputs.length) return io.stderr(`${tool}: fatal error: no input files\ncompilation terminated.\n`), 1;
  let srcBytes = 0;
  for (const f of inputs) {
    const st = io.fs.stat(normalize(f, io.cwd));
    if (!st) return io.stderr(`${tool}: error: ${f}: No such file or directory\n${tool}: fatal error: no input files\ncompilation terminated.\n`), 1;
    srcBytes += st.size;
  }
  const digest = inputs.map((f) => io.fs.stat(normalize(f, io.cwd))!.digest).join(',');
  if (compileOnly) {
    for (const f of inputs) {
      const o = out && inputs.length === 1 ? out : basename(f).replace(/\.[^.]+$/, '.o');
      writeBlob(io.fs, normalize(o, io.cwd), CC.object + Math.round(srcBytes * 2), `cc-object:${digest}`, 0o644, io.now());
    }
    return 0;
  }
  const base = cxx ? (isStatic ? CC.cxxStatic : CC.cxxDynamic) : isStatic ? CC.static : CC.dynamic;
  const size = Math.round((base + srcBytes * 2) * (strip ? 0.85 : 1));
  writeBlob(io.fs, normalize(out ?? 'a.out', io.cwd), size, `cc-binary:${tool}:${isStatic}:${strip}:${digest}`, 0o755, io.now());
  return 0;
};
