import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';

/** Name of the IndexedDB database the app uses. */
export const DB_NAME = 'layerlab';

/** Key of the single record in the `world` store. */
export const WORLD_KEY = 'current';

/** Key of the single record in the `history` store. */
export const HISTORY_KEY = 'console';

/** The saved engine world and workspace; `version` is the snapshot's own format version. */
export interface WorldRecord {
  engine: unknown;
  workspace: unknown;
  savedAt: number;
  version: number;
}

/** Schema of the current version. Every store uses out-of-line keys, so records stay plain JSON. */
export interface LayerlabSchema extends DBSchema {
  world: { key: string; value: WorldRecord };
  history: { key: string; value: string[] };
  settings: { key: string; value: unknown };
  progress: { key: string; value: unknown };
}

export type StoreName = StoreNames<LayerlabSchema>;
export type LayerlabDB = IDBPDatabase<LayerlabSchema>;
type UpgradeTx = IDBPTransaction<LayerlabSchema, StoreName[], 'versionchange'>;

/** One migration step: brings a database from version `index` to version `index + 1`. */
export type Migration = (db: LayerlabDB, tx: UpgradeTx) => void;

/**
 * Migrations in order. Step i upgrades version i to i + 1, so a later version only appends a
 * step (and a fixture in `fixtures/`); earlier steps never change once released.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: the first schema.
  (db) => {
    db.createObjectStore('world');
    db.createObjectStore('history');
    db.createObjectStore('settings');
    db.createObjectStore('progress');
  },
];

/** Current schema version: one per migration step. */
export const DB_VERSION = MIGRATIONS.length;

/** Stores in the order export and import walk them. */
export const STORES: readonly StoreName[] = ['world', 'history', 'settings', 'progress'];

/** Callbacks for connection events another tab causes. */
export interface OpenHooks {
  /** Another connection (a newer tab or version) wants the database; this one has been closed. */
  onVersionChange?: () => void;
}

/** Opens (creating or migrating) the database; rejects when IndexedDB is missing or refuses. */
export async function openLayerlabDB(name = DB_NAME, hooks: OpenHooks = {}): Promise<LayerlabDB> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
  const db = await openDB<LayerlabSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, newVersion, tx) {
      const target = newVersion ?? DB_VERSION;
      for (let v = oldVersion; v < target; v++) MIGRATIONS[v](db, tx);
    },
    // Closing right away lets the other tab's upgrade proceed instead of hanging on `blocked`.
    blocking() {
      db.close();
      hooks.onVersionChange?.();
    },
  });
  return db;
}
