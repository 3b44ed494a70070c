/** `docker system df` and `docker builder prune`. */
import { humanSize4 as humanSize } from '../../shared/format/units.js';
import { tableRows } from '../output.js';
import type { DockerCommand } from '../types.js';

export const systemDf: DockerCommand = {
  spec: { name: 'system df', usage: '[OPTIONS]', description: 'Show docker disk usage', args: { max: 0 }, flags: [{ name: 'verbose', short: 'v', type: 'bool', help: 'Show detailed information on space usage' }] },
  run(engine, _f, io) {
    const images = [...engine.store.images.values()];
    const usedImages = new Set([...engine.containers.values()].map((c) => c.imageId));
    const layerUse = new Map<string, number>();
    for (const img of images) for (const d of new Set(img.config.rootfs.diff_ids)) layerUse.set(d, (layerUse.get(d) ?? 0) + 1);
    let total = 0;
    for (const d of layerUse.keys()) total += engine.store.layers.get(d)?.size ?? 0;
    const activeLayers = new Set<string>();
    for (const img of images) if (usedImages.has(img.id)) for (const d of img.config.rootfs.diff_ids) activeLayers.add(d);
    let active = 0;
    for (const d of activeLayers) active += engine.store.layers.get(d)?.size ?? 0;
    const reclaim = total - active;
    const pct = (a: number, b: number) => (b === 0 ? '0B' : `${humanSize(a)} (${Math.round((a * 100) / b)}%)`);
    const ctrs = [...engine.containers.values()];
    const ctrSize = ctrs.reduce((n, c) => n + c.upper.size, 0);
    const running = ctrs.filter((c) => c.state.status === 'running');
    const stoppedSize = ctrs.filter((c) => c.state.status !== 'running').reduce((n, c) => n + c.upper.size, 0);
    const cache = [...engine.cache.records.values()];
    const held = new Set(images.flatMap((i) => i.config.rootfs.diff_ids));
    const cacheSize = [...new Set(cache.flatMap((r) => (r.diffId ? [r.diffId] : [])))].reduce((n, d) => n + (engine.store.layers.get(d)?.size ?? 0), 0);
    const cacheFree = [...new Set(cache.flatMap((r) => (r.diffId && !held.has(r.diffId) ? [r.diffId] : [])))].reduce((n, d) => n + (engine.store.layers.get(d)?.size ?? 0), 0);
    const rows = [
      ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE'],
      ['Images', String(images.length), String(images.filter((i) => usedImages.has(i.id)).length), humanSize(total), pct(reclaim, total)],
      ['Containers', String(ctrs.length), String(running.length), humanSize(ctrSize), pct(stoppedSize, ctrSize)],
      ['Local Volumes', '0', '0', '0B', '0B'],
      ['Build Cache', String(cache.length), '0', humanSize(cacheSize), humanSize(cacheFree)],
    ];
    for (const l of tableRows(rows)) io.stdout(l);
    return 0;
  },
};

export const builderPrune: DockerCommand = {
  spec: { name: 'builder prune', usage: '[OPTIONS]', description: 'Remove build cache', args: { max: 0 }, flags: [{ name: 'all', short: 'a', type: 'bool', help: 'Remove all unused build cache, not just dangling ones' }, { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' }] },
  run(engine, f, io) {
    if (!f.bool('force')) {
      io.stdout('WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ');
      if (!/^y(es)?$/i.test((io.stdin ?? '').trim())) return 0;
    }
    const held = new Set([...engine.store.images.values()].flatMap((i) => i.config.rootfs.diff_ids));
    let freed = 0;
    for (const r of [...engine.cache.records.values()]) {
      engine.cache.records.delete(r.key);
      if (r.diffId && !held.has(r.diffId)) {
        const l = engine.store.layers.get(r.diffId);
        if (l && engine.store.layers.delete(r.diffId)) freed += l.size;
      }
    }
    io.stdout(`Total:\t${humanSize(freed)}`);
    return 0;
  },
};
