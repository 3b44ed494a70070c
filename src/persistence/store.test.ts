import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DB_VERSION } from './db';
import { ImportError } from './export-format';
import { v1Fixture } from './fixtures/v1';
import { OTHER_TAB_MESSAGE, Persistence, type PersistenceFault } from './store';

let n = 0;
const freshName = () => `layerlab-test-${++n}-${Date.now()}`;
const opened: Persistence[] = [];
async function open(name = freshName()): Promise<Persistence> {
  const p = await Persistence.open(name);
  opened.push(p);
  return p;
}
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  while (opened.length) await opened.pop()!.close();
});

const world = { engine: { images: ['sha256:1'] }, workspace: { 'Dockerfile': 'FROM scratch\n' }, version: 1 };

describe('Persistence (IndexedDB)', () => {
  it('opens in indexeddb mode without a warning', async () => {
    const p = await open();
    expect(p.mode).toBe('indexeddb');
    expect(p.warning).toBeUndefined();
    expect(p.writable).toBe(true);
  });

  it('keeps the world, history, settings and progress across a reopen', async () => {
    const name = freshName();
    const a = await Persistence.open(name);
    await a.saveWorld(world);
    await a.saveHistory(['docker build .', 'docker ps']);
    await a.setSetting('theme', 'dark');
    await a.setSetting('panes', [20, 50, 30]);
    await a.saveProgress('first-build', { done: true });
    await a.close();

    const b = await open(name);
    expect(await b.loadWorld()).toMatchObject(world);
    expect((await b.loadWorld())!.savedAt).toBeTypeOf('number');
    expect(await b.loadHistory()).toEqual(['docker build .', 'docker ps']);
    expect(await b.getSetting('theme')).toBe('dark');
    expect(await b.getSetting('panes')).toEqual([20, 50, 30]);
    expect(await b.getSetting('missing')).toBeUndefined();
    expect(await b.loadProgress('first-build')).toEqual({ done: true });
    expect(await b.loadAllProgress()).toEqual({ 'first-build': { done: true } });
  });

  it('does not alias objects the caller mutates after saving', async () => {
    const p = await open();
    const engine = { images: ['a'] };
    await p.saveWorld({ engine, workspace: {}, version: 1 });
    engine.images.push('b');
    expect((await p.loadWorld())!.engine).toEqual({ images: ['a'] });
  });

  it('exports and imports into a fresh database losslessly', async () => {
    const a = await open();
    await a.saveWorld(world);
    await a.saveHistory(['echo "ünïcode" > f', 'ls']);
    await a.setSetting('largeType', true);
    await a.setSetting('nested', { a: [1, null, { b: 'c' }] });
    await a.saveProgress('l1', { step: 2 });
    await a.saveProgress('l2', { done: true });
    const exported = await a.exportAll();

    const name = freshName();
    const b = await Persistence.open(name);
    await b.importAll(exported);
    await b.close();
    const c = await open(name); // read back from disk, not from memory
    const strip = (json: string) => ({ ...JSON.parse(json), exportedAt: undefined });
    expect(strip(await c.exportAll())).toEqual(strip(exported));
    expect(JSON.parse(exported)).toMatchObject({ format: 'layerlab-export', formatVersion: 1 });
  });

  it('import replaces what was there before', async () => {
    const a = await open();
    const empty = await a.exportAll();
    await a.setSetting('theme', 'dark');
    await a.importAll(empty);
    expect(await a.getSetting('theme')).toBeUndefined();
  });

  it('rejects an invalid import and keeps the data', async () => {
    const p = await open();
    await p.setSetting('theme', 'dark');
    await expect(p.importAll('not json')).rejects.toThrow(ImportError);
    await expect(p.importAll('{"format":"other"}')).rejects.toThrow(/not a Layerlab export/);
    await expect(
      p.importAll(JSON.stringify({ format: 'layerlab-export', formatVersion: 99, data: {} })),
    ).rejects.toThrow(/newer Layerlab/);
    await expect(
      p.importAll(JSON.stringify({ format: 'layerlab-export', formatVersion: 1, data: { world: null, history: 'x', settings: {}, progress: {} } })),
    ).rejects.toThrow(/history/);
    expect(await p.getSetting('theme')).toBe('dark');
  });

  it('debounces scheduled saves and flush runs the latest one', async () => {
    const p = await open();
    const fn = vi.fn(async (v: number) => p.setSetting('v', v));
    p.scheduleSave(() => fn(1), 10_000);
    p.scheduleSave(() => fn(2), 10_000);
    expect(fn).not.toHaveBeenCalled();
    await p.flush();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(2);
    expect(await p.getSetting('v')).toBe(2);
  });

  it('runs a scheduled save after the delay and reports it saved', async () => {
    const p = await open();
    const saved = vi.fn();
    p.onSaved(saved);
    p.scheduleSave(() => p.saveHistory(['ls']), 5);
    await tick(50);
    await p.flush();
    expect(saved).toHaveBeenCalledTimes(1);
  });

  it('reports a quota error once and keeps the in-memory state', async () => {
    const p = await open();
    const faults: PersistenceFault[] = [];
    p.onFault((f) => faults.push(f));
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    await expect(p.saveWorld(world)).resolves.toBeUndefined();
    await p.saveHistory(['ls']);
    expect(faults).toEqual([{ kind: 'quota', message: expect.stringMatching(/storage/) }]);
    expect(await p.loadWorld()).toMatchObject(world);
    expect(await p.loadHistory()).toEqual(['ls']);
    expect(JSON.parse(await p.exportAll()).data.history).toEqual(['ls']);
  });

  it('tells the second tab to reload and stops it writing', async () => {
    const name = freshName();
    const first = await open(name);
    const second = await open(name);
    const faults: PersistenceFault[] = [];
    second.onFault((f) => faults.push(f));
    const firstFaults: PersistenceFault[] = [];
    first.onFault((f) => firstFaults.push(f));
    await tick(50);
    expect(faults).toEqual([{ kind: 'other-tab', message: OTHER_TAB_MESSAGE }]);
    expect(second.writable).toBe(false);
    expect(firstFaults).toEqual([]);
    expect(first.writable).toBe(true);

    await first.setSetting('owner', 'first');
    await second.setSetting('owner', 'second');
    expect(await second.getSetting('owner')).toBe('second'); // kept in memory
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const third = await open(name);
    expect(await third.getSetting('owner')).toBe('first');
  });

  it('stops writing when a newer version of the database is opened elsewhere', async () => {
    const name = freshName();
    const p = await open(name);
    const faults: PersistenceFault[] = [];
    p.onFault((f) => faults.push(f));
    const req = indexedDB.open(name, DB_VERSION + 1);
    await new Promise((resolve, reject) => {
      req.onsuccess = () => { req.result.close(); resolve(undefined); };
      req.onerror = () => reject(req.error);
    });
    expect(faults.map((f) => f.kind)).toEqual(['other-tab']);
    expect(p.writable).toBe(false);
  });
});

describe('Persistence (memory fallback)', () => {
  it('works in memory with a warning when IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const p = await open();
    expect(p.mode).toBe('memory');
    expect(p.warning).toMatch(/private browsing/);
    expect(p.writable).toBe(false);
    await p.saveWorld(world);
    await p.saveHistory(['ls']);
    await p.setSetting('theme', 'light');
    await p.saveProgress('l1', { done: true });
    expect(await p.loadWorld()).toMatchObject(world);
    expect(await p.loadHistory()).toEqual(['ls']);
    expect(await p.getSetting('theme')).toBe('light');
    expect(await p.loadProgress('l1')).toEqual({ done: true });
    const exported = await p.exportAll();
    const q = Persistence.memory();
    await q.importAll(exported);
    expect(await q.loadHistory()).toEqual(['ls']);
  });

  it('falls back to memory when opening the database fails', async () => {
    vi.spyOn(IDBFactory.prototype, 'open').mockImplementation(() => {
      throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError');
    });
    const p = await open();
    expect(p.mode).toBe('memory');
  });
});

describe('schema migrations', () => {
  // Each earlier schema version has a fixture; opening it with the current code must load it.
  const fixtures = [v1Fixture];

  async function createFixtureDatabase(name: string, fixture: typeof v1Fixture): Promise<void> {
    const req = indexedDB.open(name, fixture.version);
    req.onupgradeneeded = () => {
      for (const store of Object.keys(fixture.stores)) req.result.createObjectStore(store);
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction(Object.keys(fixture.stores), 'readwrite');
    for (const [store, records] of Object.entries(fixture.stores)) {
      for (const [key, value] of Object.entries(records)) tx.objectStore(store).put(value, key);
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }

  for (const fixture of fixtures) {
    it(`loads a version ${fixture.version} database`, async () => {
      const name = freshName();
      await createFixtureDatabase(name, fixture);
      const p = await open(name);
      expect(p.mode).toBe('indexeddb');
      expect(await p.loadWorld()).toEqual(fixture.stores.world.current);
      expect(await p.loadHistory()).toEqual(fixture.stores.history.console);
      expect(await p.getSetting('theme')).toBe('dark');
      expect(await p.loadAllProgress()).toEqual(fixture.stores.progress);
      await p.saveProgress('second', { done: false }); // the migrated schema accepts writes
      expect(p.fault).toBeUndefined();
    });
  }

  it('has a fixture for every earlier version', () => {
    expect(fixtures.map((f) => f.version)).toEqual(Array.from({ length: DB_VERSION }, (_, i) => i + 1));
  });
});
