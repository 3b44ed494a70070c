import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../../backends/sim.js';
import imagesJson from '../../../engine/catalog/images.json';
import type { ImageView, WorldView } from '../../../shared/world.js';
import { basesModel, catalogSizes, formatSize, matchBase, STARTER_APP, type CatalogSizeData } from './model.js';

const catalog = catalogSizes(imagesJson as unknown as CatalogSizeData);
const quiet = { stdout: () => {}, stderr: () => {} };
const empty: WorldView = { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 1 };

describe('base-image sizes', () => {
  it('resolves catalog sizes through the base chain, as docker images shows them', () => {
    expect(catalog.get('alpine:3.21')!.size).toBe(7834624);
    const alpineNode = catalog.get('node:20-alpine')!;
    expect(alpineNode.layers[0]).toBe(7834624);
    expect(alpineNode.size).toBe(7834624 + alpineNode.own);
    expect(formatSize(alpineNode.size)).toBe('135MB');
    expect(catalog.get('gcr.io/distroless/nodejs20-debian12:latest')!.size).toBeGreaterThan(catalog.get('gcr.io/distroless/base-debian12:latest')!.size);
  });

  it('orders the same app on node:20, ubuntu, slim, alpine and distroless from largest to smallest', () => {
    const m = basesModel(empty, catalog);
    expect(m.bars.map((b) => b.key)).toEqual(['full', 'ubuntu', 'slim', 'alpine', 'distroless']);
    expect(m.bars.every((b) => b.app === 718 && b.total === b.base + 718)).toBe(true);
    expect(formatSize(m.bars[0]!.total)).toMatch(/GB$/);
    expect(m.bars[1]!.base).toBe(catalog.get('ubuntu:22.04')!.size + catalog.get('node:20-slim')!.own);
    expect(m.max).toBe(m.bars[0]!.total);
    expect(m.text).toHaveLength(5);
    expect(m.text[3]).toContain('node:20-alpine');
    expect(m.bars.every((b) => b.source.length > 0)).toBe(true);
  });

  it("pins the starter app's bytes to what the simulator builds from app/", async () => {
    const b = new SimBackend();
    await b.run('cd app && docker build -t myapp .', quiet);
    const img = b.world().images.find((i) => i.tags.includes('myapp:latest'))!;
    const base = matchBase(img, catalog)!;
    expect(base.id).toBe('node:20-alpine');
    const own = img.layers.filter((l) => !l.empty).slice(base.layers.length).map((l) => l.size);
    expect(own).toEqual(STARTER_APP.layers);
  });

  it("adds the learner's built image after the catalog bars, and leaves out the pulled base", async () => {
    const b = new SimBackend();
    await b.run('cd app && docker build -t myapp .', quiet);
    const m = basesModel(b.world(), catalog);
    expect(m.bars.map((x) => x.group)).toEqual(['catalog', 'catalog', 'catalog', 'catalog', 'catalog', 'yours']);
    const mine = m.bars.at(-1)!;
    expect(mine).toMatchObject({ label: 'myapp:latest', base: catalog.get('node:20-alpine')!.size, app: 718, detail: 'built on node:20-alpine' });
    expect(m.app.from).toContain('myapp:latest');
    expect(m.text.at(-1)).toBe('Your image myapp:latest: 135MB, built on node:20-alpine (135MB of it is the base).');
  });

  it('survives bad input: no world, odd images, empty catalog', () => {
    expect(basesModel(undefined, catalog).bars).toHaveLength(5);
    const odd = { id: 'x', tags: ['odd:1'], layers: [{ createdBy: 'RUN x', empty: false, size: 10, created: 0 }], size: Number.NaN } as unknown as ImageView;
    const m = basesModel({ ...empty, images: [odd, null as unknown as ImageView] }, catalog);
    expect(m.bars.at(-1)).toMatchObject({ label: 'odd:1', total: 10, base: 0, detail: 'base not in the catalog' });
    expect(basesModel(empty, catalogSizes(undefined)).bars).toEqual([]);
    expect(catalogSizes({ images: [{ repository: 'a', tags: ['1'], base: 'a:1', history: [{ created_by: '', size: 5 }] }] }).get('a:1')!.size).toBe(5);
    expect(formatSize(-1)).toBe('?');
  });
});
