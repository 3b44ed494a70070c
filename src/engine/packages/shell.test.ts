import { describe, expect, it } from 'vitest';
import { UnionFs } from '../fs/union.js';
import { runShell } from '../shell/index.js';
import { busyboxLayer, processIO } from '../shell/testing.js';
import { resolvePackageCommand } from './index.js';
import { debianImage, image } from './testing.js';

const MB = 1e6;
const aptBinaries = image((fs) => {
  for (const n of ['apt-get', 'apt', 'dpkg']) fs.writeSynthetic(`/usr/bin/${n}`, 50_000, n, { mode: 0o755 });
});

function step(lower: UnionFs['lower'], script: string) {
  const fs = new UnionFs(lower, { now: () => 1700000000 });
  const res = runShell(script, processIO(fs), { resolver: resolvePackageCommand });
  return { res, layer: fs.diff() };
}

describe('package commands through the built-in shell', () => {
  const base = [busyboxLayer(), debianImage(), aptBinaries];

  it('cleaning the lists in the same RUN keeps them out of the image', () => {
    const { res, layer } = step(base, 'apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*');
    expect(res.exitCode).toBe(0);
    expect(layer.size).toBeGreaterThan(10 * MB);
    expect(layer.size).toBeLessThan(20 * MB);
  });

  it('cleaning in a later RUN does not shrink the image: the earlier layer keeps its bytes', () => {
    const first = step(base, 'apt-get update && apt-get install -y curl');
    const second = step([...base, first.layer], 'rm -rf /var/lib/apt/lists/*');
    expect(second.res.exitCode).toBe(0);
    expect(second.layer.size).toBe(0);
    const same = step(base, 'apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*');
    expect(first.layer.size + second.layer.size - same.layer.size).toBeGreaterThan(19 * MB);
  });
});
