import { DB_NAME, HISTORY_KEY, WORLD_KEY, openLayerlabDB, type LayerlabDB, type WorldRecord } from './db';
import { emptyData, parseExportJson, toExportJson, type PersistedData } from './export-format';

/** Where the data lives: the browser's IndexedDB, or only this tab's memory. */
export type PersistenceMode = 'indexeddb' | 'memory';

/** A problem the UI shows in a banner; the in-memory state is always kept. */
export interface PersistenceFault {
  kind: 'quota' | 'other-tab' | 'write-failed';
  message: string;
}

/** Returned by every `on...` subscription. */
export interface Disposable {
  dispose(): void;
}

/** What the app hands to `saveWorld`; the store adds `savedAt`. */
export interface WorldSnapshot {
  /** EngineSnapshot as JSON. */
  engine: unknown;
  workspace: unknown;
  /** Format version of the snapshot itself, so a later engine can migrate or discard it. */
  version: number;
}

/** Console history kept across reloads; older lines are dropped past this. */
export const MAX_HISTORY_LINES = 1000;

/** Default autosave delay for `scheduleSave`. */
export const DEFAULT_SAVE_DELAY_MS = 500;

export const OTHER_TAB_MESSAGE =
  'Layerlab is already open in another tab, so this tab does not save (it would write over that one). Close the other tab, then reload this one to work here.';
export const MEMORY_WARNING =
  'Your browser does not allow saving here (private browsing?). Work is kept in this tab only and is lost when it closes; use Export to keep a copy.';
export const QUOTA_MESSAGE =
  'The browser ran out of storage space, so recent changes are not saved. Nothing is lost in this tab; export your work to keep it.';

type ChannelMessage = { type: 'hello' | 'here'; id: string };

const isQuotaError = (e: unknown): boolean => {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
};

/**
 * Saved state for the app. Reads come from an in-memory copy loaded at open, so a failed or
 * refused write never loses anything this tab has; writes go through to IndexedDB when allowed.
 */
export class Persistence {
  readonly mode: PersistenceMode;
  /** Set in memory mode: a sentence for the UI to show. */
  readonly warning: string | undefined;

  private data: PersistedData;
  private db: LayerlabDB | null;
  private channel: BroadcastChannel | null = null;
  private readonly id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  private stopped = false;
  private quotaReported = false;
  private lastFault: PersistenceFault | undefined;
  private readonly faultListeners = new Set<(fault: PersistenceFault) => void>();
  private readonly savedListeners = new Set<(savedAt: number) => void>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; fn: () => unknown }>();

  private constructor(mode: PersistenceMode, db: LayerlabDB | null, data: PersistedData, warning?: string) {
    this.mode = mode;
    this.db = db;
    this.data = data;
    this.warning = warning;
  }

  /** Opens the database (or falls back to memory when IndexedDB is missing or refuses). */
  static async open(name: string = DB_NAME): Promise<Persistence> {
    let self: Persistence | undefined;
    let db: LayerlabDB;
    try {
      db = await openLayerlabDB(name, { onVersionChange: () => self?.yieldToOtherTab() });
    } catch {
      return new Persistence('memory', null, emptyData(), MEMORY_WARNING);
    }
    self = new Persistence('indexeddb', db, await readAll(db));
    self.listenForOtherTabs(name);
    return self;
  }

  /** Creates an instance that never touches IndexedDB (tests, share-link previews). */
  static memory(warning: string = MEMORY_WARNING): Persistence {
    return new Persistence('memory', null, emptyData(), warning);
  }

  /** False once another tab took over (or in memory mode): writes then stay in memory. */
  get writable(): boolean {
    return this.db !== null && !this.stopped;
  }

  /** The most recent fault, for a UI that subscribes late. */
  get fault(): PersistenceFault | undefined {
    return this.lastFault;
  }

  /** Calls `cb` on each fault (quota, other tab, failed write). */
  onFault(cb: (fault: PersistenceFault) => void): Disposable {
    this.faultListeners.add(cb);
    return { dispose: () => this.faultListeners.delete(cb) };
  }

  /** Calls `cb` after each write that reached IndexedDB, for the "saved" indicator. */
  onSaved(cb: (savedAt: number) => void): Disposable {
    this.savedListeners.add(cb);
    return { dispose: () => this.savedListeners.delete(cb) };
  }

  /** Saves the engine world and workspace as the `current` world. */
  async saveWorld(snapshot: WorldSnapshot): Promise<void> {
    const record: WorldRecord = {
      engine: structuredClone(snapshot.engine),
      workspace: structuredClone(snapshot.workspace),
      version: snapshot.version,
      savedAt: Date.now(),
    };
    this.data.world = record;
    await this.write((db) => db.put('world', record, WORLD_KEY).then(() => undefined));
  }

  /** The saved world, or undefined when none was saved. */
  async loadWorld(): Promise<WorldRecord | undefined> {
    return this.data.world ? structuredClone(this.data.world) : undefined;
  }

  /** Saves console history (the last MAX_HISTORY_LINES lines). */
  async saveHistory(lines: readonly string[]): Promise<void> {
    const kept = lines.slice(-MAX_HISTORY_LINES);
    this.data.history = kept;
    await this.write((db) => db.put('history', kept, HISTORY_KEY).then(() => undefined));
  }

  /** Saved console history, oldest first. */
  async loadHistory(): Promise<string[]> {
    return [...this.data.history];
  }

  /** A setting's value, or undefined. */
  async getSetting<T = unknown>(key: string): Promise<T | undefined> {
    return structuredClone(this.data.settings[key]) as T | undefined;
  }

  /** Stores a JSON-compatible setting; undefined deletes it. */
  async setSetting(key: string, value: unknown): Promise<void> {
    if (value === undefined) {
      delete this.data.settings[key];
      await this.write((db) => db.delete('settings', key));
      return;
    }
    const copy = structuredClone(value);
    this.data.settings[key] = copy;
    await this.write((db) => db.put('settings', copy, key).then(() => undefined));
  }

  /** Saves one lesson's progress record with strict durability (it survives a crash). */
  async saveProgress(lessonId: string, record: unknown): Promise<void> {
    const copy = structuredClone(record);
    this.data.progress[lessonId] = copy;
    await this.write(async (db) => {
      const tx = db.transaction('progress', 'readwrite', { durability: 'strict' });
      await Promise.all([tx.store.put(copy, lessonId), tx.done]);
    });
  }

  /** One lesson's progress record, or undefined. */
  async loadProgress<T = unknown>(lessonId: string): Promise<T | undefined> {
    return structuredClone(this.data.progress[lessonId]) as T | undefined;
  }

  /** Every lesson's progress, by lesson id. */
  async loadAllProgress(): Promise<Record<string, unknown>> {
    return structuredClone(this.data.progress);
  }

  /** Everything, as one JSON export document (includes changes a fault kept from disk). */
  async exportAll(): Promise<string> {
    await this.flush();
    return toExportJson(this.data);
  }

  /** Replaces everything with an export document; throws ImportError and changes nothing if invalid. */
  async importAll(json: string): Promise<void> {
    const data = parseExportJson(json);
    this.cancelPending();
    await Promise.all(this.inflight);
    this.data = structuredClone(data);
    await this.write(async (db) => {
      const tx = db.transaction(['world', 'history', 'settings', 'progress'], 'readwrite', { durability: 'strict' });
      const world = tx.objectStore('world');
      const history = tx.objectStore('history');
      const settings = tx.objectStore('settings');
      const progress = tx.objectStore('progress');
      await Promise.all([world.clear(), history.clear(), settings.clear(), progress.clear()]);
      const puts: Promise<unknown>[] = [history.put(data.history, HISTORY_KEY)];
      if (data.world) puts.push(world.put(data.world, WORLD_KEY));
      for (const [k, v] of Object.entries(data.settings)) puts.push(settings.put(v, k));
      for (const [k, v] of Object.entries(data.progress)) puts.push(progress.put(v, k));
      await Promise.all([...puts, tx.done]);
    });
  }

  /**
   * Debounced autosave: runs `fn` once `ms` passed without another call for the same `key`.
   * A later call replaces the pending `fn`. Call `flush()` before export or on `pagehide`.
   */
  scheduleSave(fn: () => unknown, ms: number = DEFAULT_SAVE_DELAY_MS, key = 'default'): void {
    const prev = this.pending.get(key);
    if (prev) clearTimeout(prev.timer);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.track(Promise.resolve().then(fn).then(() => undefined, (e) => this.reportWriteError(e)));
    }, ms);
    this.pending.set(key, { timer, fn });
  }

  /** Runs every scheduled save now and waits for all writes in flight. */
  async flush(): Promise<void> {
    const due = [...this.pending.values()];
    this.cancelPending();
    for (const { fn } of due) {
      this.track(Promise.resolve().then(fn).then(() => undefined, (e) => this.reportWriteError(e)));
    }
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }

  /** Flushes, then closes the database and the tab channel. */
  async close(): Promise<void> {
    await this.flush();
    this.channel?.close();
    this.channel = null;
    this.db?.close();
    this.db = null;
  }

  private cancelPending(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private track(p: Promise<void>): Promise<void> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  // Writes never reject: a failure becomes a fault and the in-memory copy stays authoritative.
  private write(op: (db: LayerlabDB) => Promise<void>): Promise<void> {
    const db = this.db;
    if (!db || this.stopped) return Promise.resolve();
    return this.track(
      (async () => {
        try {
          await op(db);
        } catch (e) {
          this.reportWriteError(e);
          return;
        }
        this.quotaReported = false;
        const now = Date.now();
        for (const cb of this.savedListeners) cb(now);
      })(),
    );
  }

  private reportWriteError(e: unknown): void {
    if (isQuotaError(e)) {
      // One banner per run of failures; a later successful write re-arms it.
      if (this.quotaReported) return;
      this.quotaReported = true;
      this.emit({ kind: 'quota', message: QUOTA_MESSAGE });
      return;
    }
    if (this.stopped) return;
    const detail = e instanceof Error ? e.message : String(e);
    this.emit({ kind: 'write-failed', message: `Saving failed: ${detail}. Nothing is lost in this tab; export your work to keep it.` });
  }

  private emit(fault: PersistenceFault): void {
    this.lastFault = fault;
    for (const cb of this.faultListeners) cb(fault);
  }

  // The newcomer announces itself; any tab already open answers, and the newcomer stops writing.
  private listenForOtherTabs(name: string): void {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(name);
    this.channel = channel;
    channel.onmessage = (ev: MessageEvent<ChannelMessage>) => {
      const msg = ev.data;
      if (!msg || msg.id === this.id) return;
      if (msg.type === 'hello') channel.postMessage({ type: 'here', id: this.id } satisfies ChannelMessage);
      else if (msg.type === 'here') this.yieldToOtherTab();
    };
    channel.postMessage({ type: 'hello', id: this.id } satisfies ChannelMessage);
  }

  private yieldToOtherTab(): void {
    if (this.stopped) return;
    // Scheduled saves still run so the in-memory copy (and an export) stays current.
    this.stopped = true;
    this.emit({ kind: 'other-tab', message: OTHER_TAB_MESSAGE });
  }
}

async function readAll(db: LayerlabDB): Promise<PersistedData> {
  const tx = db.transaction(['world', 'history', 'settings', 'progress'], 'readonly');
  const zip = (keys: IDBValidKey[], values: unknown[]) =>
    Object.fromEntries(keys.map((k, i) => [String(k), values[i]]));
  const [world, history, settingKeys, settingValues, progressKeys, progressValues] = await Promise.all([
    tx.objectStore('world').get(WORLD_KEY),
    tx.objectStore('history').get(HISTORY_KEY),
    tx.objectStore('settings').getAllKeys(),
    tx.objectStore('settings').getAll(),
    tx.objectStore('progress').getAllKeys(),
    tx.objectStore('progress').getAll(),
  ]);
  await tx.done;
  return {
    world: world ?? null,
    history: history ?? [],
    settings: zip(settingKeys, settingValues),
    progress: zip(progressKeys, progressValues),
  };
}
