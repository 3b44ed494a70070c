/** Tarballs made in memory (build contexts, base image rootfs): nothing touches the disk. */
import { pack, type Pack } from 'tar-stream';

/** Runs `fill` on a fresh tar pack and resolves with the finished, uncompressed tarball. */
export async function tarBuffer(fill: (p: Pack) => void): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  fill(p);
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
