/**
 * `npm run images:seed`: the small local base images real mode builds FROM when Docker Hub
 * cannot be reached. Each is a rootfs packed in memory and imported with the Engine API
 * (POST /images/create?fromSrc=-), labelled as a base so every session may use it and the
 * reaper leaves it alone.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { tarBuffer } from '../tar.js';
import { LABEL_BASE } from './types.js';

/** A base image the seeder can make. */
export interface SeedImage {
  /** `busybox:latest`. */
  ref: string;
  /** What the lesson text may say about it. */
  description: string;
  /** CMD of its config; none when absent (as the oracle's base has none). */
  cmd?: string[];
}

/** The images `seedImages` makes. */
export const SEED_IMAGES: SeedImage[] = [
  { ref: 'busybox:latest', description: 'BusyBox 1.35 (static) with a root and a nobody user: sh and the usual file tools', cmd: ['sh'] },
  // the simulator's starter workspace and the oracle scenarios build FROM this name
  { ref: 'oracle-base:local', description: 'the same BusyBox rootfs under the name the oracle scenarios and the starter workspace use' },
];

/** Where the static busybox binary is (Debian's busybox-static). */
export const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];

/** The busybox applets linked in /bin (what lessons and scenarios use). */
const APPLETS = ['sh', 'ash', 'ls', 'echo', 'cat', 'mkdir', 'id', 'hostname', 'ps', 'sleep', 'touch', 'rm', 'cp', 'mv', 'chmod', 'chown', 'wc', 'true', 'false', 'printf', 'pwd', 'env', 'head', 'tail', 'dd', 'test', 'stat', 'find', 'sort', 'grep', 'sed', 'awk', 'uname', 'date', 'du', 'df', 'ln', 'whoami', 'kill', 'top', 'mount', 'ip', 'ifconfig', 'nc', 'wget', 'vi', 'tr', 'cut', 'uniq', 'xargs', 'tee', 'md5sum', 'sha256sum', 'seq', 'yes', 'free', 'uptime', 'basename', 'dirname', 'readlink', 'gzip', 'tar', 'httpd', 'nslookup', 'ping'];

/** The rootfs tarball of the busybox base: /bin/busybox, applet links, /etc/passwd and group, /tmp, /root. */
export function busyboxRootfs(busybox: Buffer): Promise<Buffer> {
  return tarBuffer((p) => {
    const mtime = new Date(1_700_000_000_000);
    const dir = (name: string, mode = 0o755) => p.entry({ name, type: 'directory', mode, mtime, uid: 0, gid: 0 });
    const file = (name: string, content: Buffer | string, mode = 0o644) => p.entry({ name, type: 'file', mode, mtime, uid: 0, gid: 0 }, content);
    // the oracle base's layout exactly: the engine makes /dev, /proc and /sys itself, and
    // a first RUN's layer shows it doing so (parity with the recorded scenarios depends on it)
    for (const d of ['bin', 'etc']) dir(d);
    dir('root', 0o700);
    dir('tmp', 0o1777);
    file('bin/busybox', busybox, 0o755);
    for (const a of APPLETS) p.entry({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mode: 0o777, mtime, uid: 0, gid: 0 });
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
    file('etc/group', 'root:x:0:\nnogroup:x:65534:\n');
  });
}

/** Reads the host's static busybox, or explains which package gives it. */
export function hostBusybox(): Buffer {
  for (const p of BUSYBOX_PATHS) {
    if (fs.existsSync(p)) return fs.readFileSync(p);
  }
  throw new Error(`no static busybox on this host (looked in ${BUSYBOX_PATHS.join(', ')}): install Debian's busybox-static`);
}

/** Imports every seed image that is missing; returns the refs it created. */
export async function seedImages(docker: Docker, opts: { force?: boolean } = {}): Promise<string[]> {
  const made: string[] = [];
  for (const img of SEED_IMAGES) {
    if (!opts.force && (await baseImageExists(docker, img.ref))) continue;
    const tar = await busyboxRootfs(hostBusybox());
    const [repo, tag] = img.ref.split(':') as [string, string];
    await finished(docker, (await docker.importImage(bufferStream(tar), { repo, tag, changes: [`LABEL ${LABEL_BASE}=1`, ...(img.cmd ? [`CMD ${JSON.stringify(img.cmd)}`] : [])] } as never)) as unknown as NodeJS.ReadableStream);
    made.push(img.ref);
  }
  return made;
}

/** Waits for a streamed Engine API answer (import, build, pull); rejects with its error. */
function finished(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, res: { error?: string }[]) => {
      const failed = res?.find((r) => r.error);
      if (err || failed) reject(err ?? new Error(failed!.error));
      else resolve();
    }),
  );
}

/**
 * Makes an image the engine already has (pulled by whoever runs the server) a base real
 * mode may build FROM and run: a BuildKit build of `FROM ref` plus the base label, tagged
 * `ref` again. Its layers stay the same; its config gains the label and one history row.
 * BuildKit, because a classic build would give it a parent, and a base has none.
 */
export async function adoptBase(docker: Docker, ref: string): Promise<void> {
  const was = (await docker.getImage(ref).inspect()).Id;
  const context = await tarBuffer((p) => p.entry({ name: 'Dockerfile' }, `FROM ${ref}\nLABEL ${LABEL_BASE}=1\n`));
  await finished(docker, (await docker.buildImage(bufferStream(context), { t: ref, version: '2', networkmode: 'none' } as never)) as unknown as NodeJS.ReadableStream);
  // the unlabelled original, now untagged, goes unless something still uses it
  await docker.getImage(was).remove().catch(() => undefined);
}

/** What became of each image asked for by `seedLessonBases`. */
export type LessonBaseResult = { ref: string; outcome: 'was-base' | 'adopted' | 'pulled' } | { ref: string; outcome: 'unavailable'; reason: string };

/**
 * `npm run images:seed -- --lesson-bases`: the images the lessons use become bases. One
 * already on the engine is adopted; a missing one is pulled first when `pull` (a host with
 * internet); otherwise it is reported unavailable, as the lesson pane will say.
 */
export async function seedLessonBases(docker: Docker, refs: string[], opts: { pull: boolean }): Promise<LessonBaseResult[]> {
  const results: LessonBaseResult[] = [];
  for (const ref of refs) {
    if (await baseImageExists(docker, ref)) {
      results.push({ ref, outcome: 'was-base' });
      continue;
    }
    const present = await docker.getImage(ref).inspect().then(() => true, () => false);
    try {
      if (!present) {
        if (!opts.pull) {
          results.push({ ref, outcome: 'unavailable', reason: 'not on this engine (pull it, or run with --pull on a host with internet)' });
          continue;
        }
        await finished(docker, (await docker.pull(ref)) as unknown as NodeJS.ReadableStream);
      }
      await adoptBase(docker, ref);
      results.push({ ref, outcome: present ? 'adopted' : 'pulled' });
    } catch (e) {
      results.push({ ref, outcome: 'unavailable', reason: (e as Error).message.split('\n')[0]! });
    }
  }
  return results;
}

/** The base images present (labelled as bases), as `repo:tag`. */
export async function listBaseImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [`${LABEL_BASE}=1`] }) });
  return images.flatMap((i) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>')).sort();
}

async function baseImageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    const info = await docker.getImage(ref).inspect();
    return info.Config?.Labels?.[LABEL_BASE] === '1';
  } catch {
    return false;
  }
}

/** dockerode sends a Readable as the request body. */
function bufferStream(buf: Buffer): NodeJS.ReadableStream {
  return Readable.from([buf]);
}
