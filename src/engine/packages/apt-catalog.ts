/**
 * The apt catalogs: Debian bookworm as generated from the real indexes, and
 * Ubuntu noble as an overlay of it (renamed packages, noble versions). Which
 * one an image uses follows its /etc/os-release, as apt follows its sources.
 */
import debianJson from './catalog/apt-debian-bookworm.json';
import ubuntuJson from './catalog/apt-ubuntu-noble.json';
import listsJson from './catalog/apt-lists.json';
import type { FileSpec } from './common.js';

/** One binary package as the Packages index and our file lists describe it. */
export interface DebPackage {
  name: string;
  version: string;
  arch: string;
  section: string;
  priority: string;
  suite: string;
  installedSize: number;
  archiveSize: number;
  filename: string;
  preDepends?: string[];
  /** Groups of alternatives, `a|b`. */
  depends?: string[];
  recommends?: string[];
  suggests?: string[];
  essential?: boolean;
  files: FileSpec[];
  rest?: string;
  /** update-alternatives links: [link, name, target]. */
  alternatives?: [string, string, string][];
  source: string;
}

/** One index file `apt-get update` fetches. */
export interface ListFile {
  label: string;
  file: string;
  download: number;
  compressed: number;
  uncompressed: number;
}

export interface AptCatalog {
  distro: 'debian' | 'ubuntu';
  codename: string;
  /** `http://deb.debian.org/debian` for a suite, as the Get: lines print it. */
  mirror(suite: string): string;
  lists: ListFile[];
  packages: ReadonlyMap<string, DebPackage>;
  baseImage: readonly string[];
}

type RawPackage = Omit<DebPackage, 'name'>;

function debianCatalog(): AptCatalog {
  const packages = new Map<string, DebPackage>();
  for (const [name, p] of Object.entries(debianJson.packages as unknown as Record<string, RawPackage>)) packages.set(name, { name, ...p });
  return {
    distro: 'debian',
    codename: 'bookworm',
    mirror: (suite) => (suite.endsWith('-security') ? 'http://deb.debian.org/debian-security' : 'http://deb.debian.org/debian'),
    lists: listsJson.bookworm,
    packages,
    baseImage: debianJson.baseImage,
  };
}

function ubuntuCatalog(debian: AptCatalog): AptCatalog {
  const rename = ubuntuJson.rename as Record<string, string>;
  const versions = ubuntuJson.versions as Record<string, string>;
  const pathReplace = ubuntuJson.pathReplace as [string, string][];
  const ren = (group: string) =>
    group
      .split('|')
      .map((n) => rename[n] ?? n)
      .join('|');
  const fixPath = (p: string) => pathReplace.reduce((s, [a, b]) => s.split(a).join(b), p);
  const suite = (s: string) => s.replace('bookworm', 'noble');
  const packages = new Map<string, DebPackage>();
  for (const p of debian.packages.values()) {
    const name = rename[p.name] ?? p.name;
    const version = versions[name] ?? p.version.replace(/\+deb12u\d+|~deb12u\d+/g, 'build1');
    packages.set(name, {
      ...p,
      name,
      version,
      suite: suite(p.suite),
      filename: `pool/main/${name[0]}/${name}/${name}_${version.replace(/^\d+:/, '')}_${p.arch}.deb`,
      preDepends: p.preDepends?.map(ren),
      depends: p.depends?.map(ren),
      recommends: p.recommends?.map(ren),
      suggests: p.suggests?.map(ren),
      files: p.files.map((f) => [fixPath(f[0]), typeof f[1] === 'string' ? fixPath(f[1]) : f[1], ...f.slice(2)] as FileSpec),
      rest: p.rest && fixPath(p.rest),
      alternatives: p.alternatives?.map(([l, n, t]) => [l, n, fixPath(t)]),
      source: 'overlay',
    });
  }
  return {
    distro: 'ubuntu',
    codename: 'noble',
    mirror: (s) => (s.endsWith('-security') ? ubuntuJson.archive.security : ubuntuJson.archive.main),
    lists: listsJson.noble,
    packages,
    baseImage: ubuntuJson.baseImage,
  };
}

let debian: AptCatalog | undefined;
let ubuntu: AptCatalog | undefined;

/** The catalog for an os-release ID: ubuntu gets noble, every other Debian-like image bookworm. */
export function aptCatalogFor(osId: string): AptCatalog {
  debian ??= debianCatalog();
  if (osId === 'ubuntu') return (ubuntu ??= ubuntuCatalog(debian));
  return debian;
}
