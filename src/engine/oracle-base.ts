/**
 * The oracle's local base image `oracle-base:local`, as ../shared/oracle/run-real.py
 * makes it: a busybox rootfs with applet symlinks, /etc/passwd and /etc/group,
 * /tmp, /root and a nonce file; one layer of 1,982,583 bytes, imported.
 */
import type { Engine } from './engine.js';
import { Layer } from './fs/layer.js';
import type { Entry } from './fs/types.js';
import { sha256Hex, utf8 } from './hash.js';

export const ORACLE_BASE_REF = 'oracle-base:local';
/** Size of the busybox binary in the recordings (the layer is 1,982,583 bytes in all). */
const BUSYBOX_SIZE = 1_982_256;
const APPLETS = ['sh', 'ls', 'echo', 'cat', 'mkdir', 'id', 'hostname', 'ps', 'sleep', 'touch', 'rm', 'cp', 'mv', 'chmod', 'chown', 'wc', 'true', 'false', 'printf', 'pwd', 'env', 'head', 'dd', 'test', 'stat', 'find', 'sort'];

/** The base layer; `nonce` stands for the per-recording random bytes. */
export function oracleBaseLayer(nonce = '0123456789abcdef0123456789abcdef', mtime = 1_700_000_000): Layer {
  const meta = { uid: 0, gid: 0, mtime };
  const file = (text: string, mode = 0o644): Entry => {
    const data = utf8(text);
    return { type: 'file', ...meta, mode, size: data.length, digest: sha256Hex(data), data };
  };
  const entries: [string, Entry][] = [
    ['/bin', { type: 'dir', ...meta, mode: 0o755 }],
    ['/bin/busybox', { type: 'file', ...meta, mode: 0o755, size: BUSYBOX_SIZE, digest: sha256Hex('busybox 1.35.0 static (Debian)') }],
    ...APPLETS.map((a): [string, Entry] => [`/bin/${a}`, { type: 'symlink', ...meta, mode: 0o777, target: 'busybox' }]),
    ['/etc', { type: 'dir', ...meta, mode: 0o755 }],
    ['/etc/passwd', file('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n')],
    ['/etc/group', file('root:x:0:\nnobody:x:65534:\n')],
    ['/etc/oracle-nonce', file(nonce + '\n')],
    ['/tmp', { type: 'dir', ...meta, mode: 0o1777 }],
    ['/root', { type: 'dir', ...meta, mode: 0o700 }],
  ];
  return new Layer(entries);
}

/** Imports oracle-base:local into an engine, as `docker import` does. */
export function preloadOracleBase(engine: Engine): void {
  engine.importImage(oracleBaseLayer(), ORACLE_BASE_REF, { comment: 'Imported from -' });
}
