import type { WorldRecord } from './db';

/** Value of the `format` field that marks a Layerlab export file. */
export const EXPORT_FORMAT = 'layerlab-export';

/** Version of the export document; bump it (and accept older ones) when its shape changes. */
export const EXPORT_FORMAT_VERSION = 1;

/** Everything Layerlab keeps, as plain JSON. */
export interface PersistedData {
  world: WorldRecord | null;
  history: string[];
  settings: Record<string, unknown>;
  progress: Record<string, unknown>;
}

/** The JSON document `exportAll` writes and `importAll` reads. */
export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  exportedAt: string;
  data: PersistedData;
}

/** Thrown by `importAll` when the file is not a Layerlab export it can read; nothing is changed. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** An empty data set, as a fresh database holds. */
export function emptyData(): PersistedData {
  return { world: null, history: [], settings: {}, progress: {} };
}

/** Serializes the data set as one export document. */
export function toExportJson(data: PersistedData, now = new Date()): string {
  const doc: ExportDocument = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    data,
  };
  return JSON.stringify(doc, null, 2);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and validates an export document; throws ImportError naming the first problem. */
export function parseExportJson(json: string): PersistedData {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new ImportError(`This file is not valid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(doc) || doc.format !== EXPORT_FORMAT) {
    throw new ImportError('This file is not a Layerlab export (missing "format": "layerlab-export").');
  }
  const version = doc.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ImportError('This Layerlab export has no valid formatVersion.');
  }
  if (version > EXPORT_FORMAT_VERSION) {
    throw new ImportError(
      `This export was written by a newer Layerlab (format ${version}); this one reads up to format ${EXPORT_FORMAT_VERSION}.`,
    );
  }
  const data = doc.data;
  if (!isRecord(data)) throw new ImportError('This Layerlab export has no "data" object.');
  const { world, history, settings, progress } = data;
  if (world !== null) {
    if (!isRecord(world) || typeof world.savedAt !== 'number' || typeof world.version !== 'number') {
      throw new ImportError('This Layerlab export has a malformed "world" (needs engine, workspace, savedAt, version).');
    }
  }
  if (!Array.isArray(history) || !history.every((l) => typeof l === 'string')) {
    throw new ImportError('This Layerlab export has a malformed "history" (needs a list of strings).');
  }
  if (!isRecord(settings)) throw new ImportError('This Layerlab export has a malformed "settings" object.');
  if (!isRecord(progress)) throw new ImportError('This Layerlab export has a malformed "progress" object.');
  return {
    world: world === null ? null : (world as unknown as WorldRecord),
    history: history as string[],
    settings,
    progress,
  };
}
