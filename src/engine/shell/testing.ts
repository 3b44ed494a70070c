/**
 * A small busybox-like image for tests of the shell (and of anything that runs
 * commands): /bin/busybox with applet symlinks, /etc/passwd and /etc/group
 * with root and nobody, /tmp (1777) and /root, like the oracle's base image.
 */
import { sha256Hex, utf8 } from '../hash.js';
import { Layer } from '../fs/layer.js';
import { UnionFs } from '../fs/union.js';
import type { Entry } from '../fs/types.js';
import { APPLETS } from './applets/index.js';
import type { ProcessIO } from './index.js';
import type { ShellFlavor } from './types.js';

/** The fixed clock of test images (2023-11-14 22:13:20 UTC). */
export const TEST_NOW = 1700000000;

const dir = (mode = 0o755, uid = 0, gid = 0): Entry => ({ type: 'dir', mode, uid, gid, mtime: 0 });
const file = (text: string, mode = 0o644, uid = 0, gid = 0): Entry => {
  const data = utf8(text);
  return { type: 'file', mode, uid, gid, mtime: 0, size: data.length, digest: sha256Hex(data), data };
};

export const TEST_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
export const TEST_GROUP = 'root:x:0:\nwheel:x:10:root\nnobody:x:65534:\n';

/** The lower layer of a busybox image; `without` leaves applet links out (to test PATH lookup). */
export function busyboxLayer(opts: { without?: string[]; extra?: [string, Entry][] } = {}): Layer {
  const entries: [string, Entry][] = [
    ['/bin', dir()],
    ['/bin/busybox', { type: 'file', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 1_000_000, digest: sha256Hex('busybox') }],
    ['/etc', dir()],
    ['/etc/passwd', file(TEST_PASSWD)],
    ['/etc/group', file(TEST_GROUP)],
    ['/etc/hostname', file('test\n')],
    ['/root', dir(0o700)],
    ['/home', dir()],
    ['/tmp', dir(0o1777)],
    ['/usr', dir()],
    ['/usr/bin', dir()],
    ['/dev', dir()],
    ['/proc', dir(0o555)],
    ['/sys', dir(0o555)],
  ];
  for (const name of APPLETS.keys()) {
    if (name === 'bash' || name === 'dash' || opts.without?.includes(name)) continue;
    entries.push([`/bin/${name}`, { type: 'symlink', target: 'busybox', mode: 0o777, uid: 0, gid: 0, mtime: 0 }]);
  }
  entries.push(...(opts.extra ?? []));
  return new Layer(entries);
}

/** A writable union over the busybox layer, with the test clock. */
export function busyboxFs(opts: { without?: string[]; extra?: [string, Entry][] } = {}): UnionFs {
  return new UnionFs([busyboxLayer(opts)], { cred: { uid: 0, gid: 0 }, now: () => TEST_NOW });
}

/** A process context as Docker gives one: root, PATH and HOME set, cwd `/`. */
export function processIO(fs: UnionFs, over: Partial<ProcessIO> = {}): ProcessIO {
  return {
    fs,
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', HOSTNAME: 'c0ffee' },
    cwd: '/',
    uid: 0,
    gid: 0,
    hostname: 'c0ffee',
    stdin: '',
    now: () => TEST_NOW,
    flavor: 'busybox' as ShellFlavor,
    ...over,
  };
}

/** A text file entry for `extra`. */
export function textFile(text: string, mode = 0o644, uid = 0, gid = 0): Entry {
  return file(text, mode, uid, gid);
}
