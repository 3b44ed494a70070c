import { describe, expect, it, vi } from 'vitest';
import { UnionFs } from '../fs/union.js';
import { fromUtf8 } from '../hash.js';
import imagesJson from './images.json';
import packagesJson from './packages.json';
import { catalogConfig, catalogLayers, defaultUser, findCatalogImage, hasShell, listCatalog, packageManager, parseImageReference, shellFlavor, type CatalogImage } from './index.js';
import { BUSYBOX_APPLETS } from './kits.js';
import { parseStanzas } from '../packages/dpkg-db.js';

/** dpkg status stanzas as plain records (the package managers' own parser). */
const parseDebStatus = (text: string) => parseStanzas(text).map((st) => Object.fromEntries(st) as Record<string, string>);
import { catalogErrors, isCatalogData, isPackageData, packageErrors } from './schema.js';

const MB = 1_000_000;

function image(ref: string): CatalogImage {
  const img = findCatalogImage(ref);
  if (!img) throw new Error(`not in catalog: ${ref}`);
  return img;
}

function fsOf(ref: string): UnionFs {
  return new UnionFs(catalogLayers(image(ref)));
}

function read(fs: UnionFs, path: string): string {
  return fromUtf8(fs.readFile(path));
}

describe('catalog data', () => {
  it('validates against the schema', () => {
    expect(catalogErrors(imagesJson)).toEqual([]);
    expect(packageErrors(packagesJson)).toEqual([]);
    expect(isCatalogData(imagesJson)).toBe(true);
    expect(isPackageData(packagesJson)).toBe(true);
  });

  it('rejects malformed entries with a reason', () => {
    const bad = structuredClone(imagesJson) as { images: Record<string, unknown>[] };
    bad.images[1]!.tags = [];
    bad.images[2]!.history = [{ created_by: 'RUN x', size: 10 }];
    const errors = catalogErrors(bad);
    expect(errors.some((e) => e.includes('tags'))).toBe(true);
    expect(errors.some((e) => e.includes('source'))).toBe(true);
  });

  it('gives every layer row a source for its size', () => {
    for (const img of listCatalog()) for (const r of img.rows) if (r.size !== undefined) expect(r.source, `${img.id}: ${r.created_by}`).toBeTruthy();
  });

  it('never gives one tag of a repository to two images', () => {
    const seen = new Map<string, string>();
    for (const img of listCatalog()) {
      for (const t of img.tags) {
        const key = `${img.name}:${t}`;
        expect(seen.get(key), key).toBeUndefined();
        seen.set(key, img.id);
      }
    }
  });

  it('has the required images and aliases', () => {
    const refs = [
      'scratch', 'busybox', 'busybox:1.36', 'alpine:3.19', 'alpine:3.20', 'alpine:3.21', 'alpine:latest',
      'debian:bookworm', 'debian:bookworm-slim', 'debian:12', 'debian:12-slim', 'debian:latest',
      'ubuntu:22.04', 'ubuntu:24.04', 'ubuntu:jammy', 'ubuntu:noble', 'ubuntu:latest',
      'python:3.12', 'python:3.12-slim', 'python:3.12-alpine', 'python:3.11-slim', 'python:latest',
      'node:20', 'node:20-slim', 'node:20-alpine', 'node:22', 'node:22-slim', 'node:22-alpine', 'node:lts-alpine', 'node:latest',
      'golang:1.22', 'golang:1.22-alpine', 'golang:1.23', 'golang:latest', 'nginx:1.27', 'nginx:alpine', 'nginx:latest',
      'gcr.io/distroless/static-debian12', 'gcr.io/distroless/static-debian12:nonroot', 'gcr.io/distroless/base-debian12:nonroot',
      'gcr.io/distroless/nodejs20-debian12', 'gcr.io/distroless/python3-debian12:nonroot',
    ];
    for (const r of refs) expect(findCatalogImage(r), r).toBeDefined();
    expect(image('alpine:latest').id).toBe('alpine:3.21');
    expect(image('debian:latest').id).toBe('debian:bookworm');
    expect(image('ubuntu:latest').id).toBe('ubuntu:24.04');
    expect(image('node:lts-alpine').id).toBe('node:22-alpine');
  });
});

describe('references', () => {
  it('resolves Docker Hub names with and without registry, namespace and tag', () => {
    const a = image('alpine:3.20');
    for (const r of ['alpine:3.20', 'library/alpine:3.20', 'docker.io/library/alpine:3.20', 'index.docker.io/library/alpine:3.20']) expect(findCatalogImage(r)).toBe(a);
    expect(findCatalogImage('docker.io/library/alpine')).toBe(image('alpine'));
  });

  it('resolves other registries and pins by digest', () => {
    const nonroot = image('gcr.io/distroless/static-debian12:nonroot');
    expect(nonroot.name).toBe('gcr.io/distroless/static-debian12');
    expect(findCatalogImage(`gcr.io/distroless/static-debian12@${nonroot.digest}`)).toBe(nonroot);
    const a = image('alpine:3.19');
    expect(a.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(findCatalogImage(`alpine@${a.digest}`)).toBe(a);
    expect(findCatalogImage(`docker.io/library/alpine:latest@${a.digest}`)).toBe(a);
  });

  it('returns undefined for unknown or malformed references', () => {
    expect(findCatalogImage('alpine:9.99')).toBeUndefined();
    expect(findCatalogImage('nosuchimage')).toBeUndefined();
    expect(findCatalogImage('Alpine')).toBeUndefined();
    expect(findCatalogImage(`python@${image('alpine').digest}`)).toBeUndefined();
    expect(findCatalogImage('alpine@sha256:1234')).toBeUndefined();
    expect(findCatalogImage('quay.io/library/alpine')).toBeUndefined();
  });

  it('parses references as the docker CLI does', () => {
    expect(parseImageReference('alpine')).toEqual({ domain: 'docker.io', path: 'library/alpine', tag: 'latest', digest: undefined });
    expect(parseImageReference('localhost:5000/app:v1')).toEqual({ domain: 'localhost:5000', path: 'app', tag: 'v1', digest: undefined });
  });

  it('gives every image its own digest', () => {
    const digests = listCatalog().map((i) => i.digest);
    expect(new Set(digests).size).toBe(digests.length);
  });
});

describe('layers', () => {
  it('synthesizes each layer to exactly the size in the data', () => {
    for (const img of listCatalog()) {
      const rows = img.rows.filter((r) => r.size !== undefined);
      const layers = catalogLayers(img);
      expect(layers.length, img.id).toBe(rows.length);
      layers.forEach((l, i) => expect(l.size, `${img.id} layer ${i}`).toBe(rows[i]!.size));
      expect(layers.reduce((n, l) => n + l.size, 0)).toBe(img.size);
    }
  });

  it('gives the same diff IDs on every synthesis', async () => {
    const before = listCatalog().map((i) => catalogLayers(i).map((l) => l.diffId));
    vi.resetModules();
    const fresh = await import('./index.js');
    const after = fresh.listCatalog().map((i) => fresh.catalogLayers(i).map((l) => l.diffId));
    expect(after).toEqual(before);
  });

  it('synthesizes the whole catalog quickly (a few ms per image)', async () => {
    vi.resetModules();
    const fresh = await import('./index.js');
    const t = performance.now();
    for (const img of fresh.listCatalog()) fresh.catalogLayers(img).forEach((l) => l.diffId);
    // generous for a loaded CI machine; about 10 ms per image on a quiet one
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('caches the Layer objects and shares base layers with the base image', () => {
    const py = image('python:3.12-slim');
    expect(catalogLayers(py)).toBe(catalogLayers(py));
    expect(catalogLayers(py)[0]!.diffId).toBe(catalogLayers(image('debian:bookworm-slim'))[0]!.diffId);
    const nonroot = catalogLayers(image('gcr.io/distroless/static-debian12:nonroot')).map((l) => l.diffId);
    expect(nonroot).toEqual(catalogLayers(image('gcr.io/distroless/static-debian12')).map((l) => l.diffId));
  });

  it('has sizes in the range docker images shows for each family', () => {
    const ranges: [string, number, number][] = [
      ['scratch', 0, 0], ['busybox', 4.2, 4.4], ['alpine', 7.7, 7.9], ['alpine:3.19', 7.3, 7.5],
      ['debian:bookworm', 116, 118], ['debian:bookworm-slim', 74, 76], ['ubuntu:24.04', 77, 79], ['ubuntu:22.04', 77, 79],
      ['python:3.12', 990, 1050], ['python:3.12-slim', 120, 130], ['python:3.12-alpine', 54, 60],
      ['node:20', 1050, 1150], ['node:20-slim', 190, 210], ['node:20-alpine', 128, 142], ['node:22-slim', 210, 235],
      ['golang:1.22', 790, 840], ['golang:1.22-alpine', 220, 260], ['nginx', 180, 195], ['nginx:alpine', 45, 52],
      ['gcr.io/distroless/static-debian12', 1.9, 2.1], ['gcr.io/distroless/base-debian12', 19, 22],
      ['gcr.io/distroless/nodejs20-debian12', 125, 135], ['gcr.io/distroless/python3-debian12', 50, 56],
    ];
    for (const [ref, lo, hi] of ranges) {
      const mb = image(ref).size / MB;
      expect(mb, ref).toBeGreaterThanOrEqual(lo);
      expect(mb, ref).toBeLessThanOrEqual(hi);
    }
  });

  it('totals alpine:latest to what docker images prints as 7.8MB', () => {
    const total = catalogLayers(image('alpine:latest')).reduce((n, l) => n + l.size, 0);
    expect(total).toBe(image('alpine:latest').size);
    expect(Math.round(total / 1e5) / 10).toBe(7.8);
  });

  it('writes file mtimes at the image creation time and executables as 0755 root', () => {
    const img = image('alpine:3.21');
    const mtime = Date.parse(img.created) / 1000;
    const busybox = catalogLayers(img)[0]!.entries.get('/bin/busybox');
    expect(busybox).toMatchObject({ type: 'file', mode: 0o755, uid: 0, gid: 0, mtime });
  });
});

describe('what a learner finds inside', () => {
  it('links /bin/sh and the applets to busybox in busybox and alpine', () => {
    const wanted = 'sh ash ls echo cat mkdir id hostname ps sleep touch rm cp mv chmod chown wc true false printf pwd env head tail dd test stat find sort grep sed tr cut basename dirname uname date tee seq expr xargs which du df ln readlink realpath mktemp sha256sum wget tar gzip gunzip kill whoami nproc yes'.split(' ');
    for (const ref of ['busybox', 'busybox:1.36', 'alpine:3.19', 'alpine:3.20', 'alpine', 'python:3.12-alpine']) {
      const fs = fsOf(ref);
      expect(fs.realpath('/bin/sh'), ref).toBe('/bin/busybox');
      for (const a of wanted) {
        const where = ['/bin', '/sbin', '/usr/bin', '/usr/sbin'].find((d) => fs.stat(`${d}/${a}`, false));
        expect(where, `${ref}: ${a}`).toBeDefined();
        expect(fs.realpath(`${where}/${a}`)).toBe('/bin/busybox');
      }
      expect(shellFlavor(image(ref))).toBe('busybox');
    }
    expect(BUSYBOX_APPLETS).toEqual(expect.arrayContaining(wanted));
  });

  it('keeps Alpine package data in apk format', () => {
    const fs = fsOf('alpine');
    const db = read(fs, '/lib/apk/db/installed');
    expect(db).toMatch(/^P:musl\nV:1\.2\.5-r8\n/m);
    expect(db).toMatch(/^P:busybox\nV:1\.37\.0/m);
    expect(db).toContain('F:bin\nR:busybox\n');
    expect(read(fs, '/etc/apk/repositories')).toContain('/alpine/v3.21/main');
    expect(read(fs, '/etc/apk/world')).toContain('apk-tools\n');
    expect(packageManager(image('alpine'))).toBe('apk');
  });

  it('builds debian as usrmerged with dash as /bin/sh and an empty apt lists directory', () => {
    const fs = fsOf('debian:bookworm');
    expect(fs.readlink('/bin')).toBe('usr/bin');
    expect(fs.realpath('/bin/sh')).toBe('/usr/bin/dash');
    for (const b of ['cat', 'ls', 'cp', 'mv', 'rm', 'mkdir', 'echo', 'touch', 'chmod', 'chown', 'ln', 'id', 'env', 'sleep', 'head', 'tail', 'wc', 'sort', 'grep', 'sed', 'find', 'bash']) {
      expect(fs.stat(`/bin/${b}`)?.type, b).toBe('file');
    }
    expect(fs.readdir('/var/lib/apt/lists')).toEqual([]);
    expect(fs.stat('/root')?.mode).toBe(0o700);
    expect(fs.stat('/tmp')?.mode).toBe(0o1777);
    expect(read(fs, '/etc/os-release')).toContain('VERSION_CODENAME=bookworm');
    expect(shellFlavor(image('debian'))).toBe('dash');
  });

  it('lists dash and apt as installed in the dpkg status of debian and ubuntu', () => {
    for (const ref of ['debian:bookworm', 'debian:bookworm-slim', 'ubuntu:24.04', 'ubuntu:22.04', 'python:3.12-slim', 'node:20']) {
      const fs = fsOf(ref);
      const status = parseDebStatus(read(fs, '/var/lib/dpkg/status'));
      for (const p of ['dash', 'apt', 'bash', 'coreutils']) {
        const st = status.find((s) => s.Package === p);
        expect(st, `${ref}: ${p}`).toBeDefined();
        expect(st!.Status).toBe('install ok installed');
        expect(st!['Installed-Size']).toMatch(/^\d+$/);
        expect(st!.Version).toBeTruthy();
      }
      expect(fs.readdir('/var/lib/apt/lists'), ref).toEqual([]);
    }
    const slim = parseDebStatus(read(fsOf('python:3.12-slim'), '/var/lib/dpkg/status')).map((s) => s.Package);
    expect(slim).toContain('ca-certificates');
  });

  it('has no shell in distroless and runs nonroot as 65532', () => {
    for (const ref of ['gcr.io/distroless/static-debian12', 'gcr.io/distroless/base-debian12', 'gcr.io/distroless/nodejs20-debian12', 'gcr.io/distroless/python3-debian12']) {
      const img = image(ref);
      expect(hasShell(img), ref).toBe(false);
      expect(fsOf(ref).stat('/bin/sh'), ref).toBeNull();
      expect(packageManager(img)).toBe('none');
    }
    const nonroot = image('gcr.io/distroless/static-debian12:nonroot');
    expect(catalogConfig(nonroot).config.User).toBe('65532');
    expect(defaultUser(nonroot)).toBe('nonroot');
    const fs = fsOf('gcr.io/distroless/static-debian12:nonroot');
    expect(fs.stat('/home/nonroot')).toMatchObject({ uid: 65532, mode: 0o700 });
    expect(read(fs, '/etc/passwd')).toContain('nonroot:x:65532:65532:');
    expect(fs.readdir('/var/lib/dpkg/status.d')).toContain('tzdata');
  });

  it('ships python with python3, python and pip', () => {
    for (const [ref, py] of [['python:3.12', 'python3.12'], ['python:3.12-slim', 'python3.12'], ['python:3.12-alpine', 'python3.12'], ['python:3.11-slim', 'python3.11']] as const) {
      const fs = fsOf(ref);
      expect(fs.realpath('/usr/local/bin/python'), ref).toBe(`/usr/local/bin/${py}`);
      expect(read(fs, '/usr/local/bin/pip')).toContain('from pip._internal.cli.main import main');
      expect(catalogConfig(image(ref)).config.Env).toContain(`PYTHON_VERSION=${image(ref).tags[1]!.replace(/-.*/, '')}`);
    }
  });

  it('ships node with npm, npx, the entrypoint and the node user', () => {
    for (const ref of ['node:20', 'node:20-slim', 'node:20-alpine', 'node:22']) {
      const fs = fsOf(ref);
      expect(fs.realpath('/usr/local/bin/npm'), ref).toBe('/usr/local/lib/node_modules/npm/bin/npm-cli.js');
      expect(fs.realpath('/usr/local/bin/npx')).toBe('/usr/local/lib/node_modules/npm/bin/npx-cli.js');
      expect(read(fs, '/usr/local/bin/docker-entrypoint.sh')).toMatch(/^#!\/bin\/sh\nset -e\n/);
      expect(fs.stat('/home/node')).toMatchObject({ uid: 1000, gid: 1000 });
      expect(read(fs, '/etc/passwd')).toMatch(/^node:x:1000:1000:/m);
      expect(read(fs, '/etc/group')).toMatch(/^node:x:1000:/m);
      const { config } = catalogConfig(image(ref));
      expect(config.Entrypoint).toEqual(['docker-entrypoint.sh']);
      expect(config.Cmd).toEqual(['node']);
    }
  });

  it('ships go under /usr/local/go with a world-writable GOPATH', () => {
    const fs = fsOf('golang:1.22');
    expect(fs.stat('/usr/local/go/bin/go')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(read(fs, '/usr/local/go/VERSION')).toMatch(/^go1\.22\.11\n/);
    expect(fs.stat('/go')?.mode).toBe(0o1777);
    expect(catalogConfig(image('golang:1.22')).config.WorkingDir).toBe('/go');
  });

  it('ships nginx with its config, default page, port and stop signal', () => {
    for (const ref of ['nginx', 'nginx:alpine']) {
      const fs = fsOf(ref);
      expect(read(fs, '/usr/share/nginx/html/index.html')).toContain('<title>Welcome to nginx!</title>');
      expect(read(fs, '/etc/nginx/nginx.conf')).toContain('include /etc/nginx/conf.d/*.conf;');
      expect(fs.readlink('/var/log/nginx/access.log')).toBe('/dev/stdout');
      const { config } = catalogConfig(image(ref));
      expect(config.ExposedPorts).toEqual({ '80/tcp': {} });
      expect(config.StopSignal).toBe('SIGQUIT');
    }
  });
});

describe('config and history', () => {
  it('has one history row per layer plus empty_layer rows, in order', () => {
    for (const img of listCatalog()) {
      const { history, created } = catalogConfig(img);
      expect(history.filter((h) => !h.empty_layer).length, img.id).toBe(catalogLayers(img).length);
      expect(created).toBe(Date.parse(img.created) / 1000);
    }
    const slim = catalogConfig(image('python:3.12-slim')).history;
    expect(slim[0]!.created_by).toMatch(/^# debian\.sh --arch 'amd64' out\/ 'bookworm' '@\d+'$/);
    expect(slim.filter((h) => !h.empty_layer)).toHaveLength(4);
    expect(slim.at(-1)).toMatchObject({ created_by: 'CMD ["python3"]', empty_layer: true });
  });

  it('gives each image the config Docker Hub shows', () => {
    expect(catalogConfig(image('debian')).config.Cmd).toEqual(['bash']);
    expect(catalogConfig(image('alpine')).config.Cmd).toEqual(['/bin/sh']);
    expect(catalogConfig(image('ubuntu')).config.Labels).toEqual({ 'org.opencontainers.image.ref.name': 'ubuntu', 'org.opencontainers.image.version': '24.04' });
    expect(catalogConfig(image('golang:1.23')).config.Env).toContain('GOLANG_VERSION=1.23.5');
    expect(catalogConfig(image('node:20')).config.Env).toContain('NODE_VERSION=20.18.1');
    expect(catalogConfig(image('scratch'))).toMatchObject({ config: {}, history: [] });
    expect(catalogLayers(image('scratch'))).toEqual([]);
  });

  it('returns a config the caller may change without touching the catalog', () => {
    const a = catalogConfig(image('alpine'));
    a.config.Env!.push('X=1');
    expect(catalogConfig(image('alpine')).config.Env).not.toContain('X=1');
  });
});
