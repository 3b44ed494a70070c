/**
 * Zip archives of workspace folders (to download) and the way back (a .zip
 * uploaded into the workspace), with fflate.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { WorkspaceAccess } from '../../backends/backend.js';
import { DEFAULT_LIMITS, splitRelative, type Incoming, type Skipped, type UploadLimits } from './upload.js';
import { relativeTo } from './paths.js';
import { humanSize } from '../../shared/format/units.js';

/** Unix "made by" in the zip's central directory, so unzip tools keep the modes. */
const OS_UNIX = 3;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** The MS-DOS directory attribute, for tools that ignore the Unix bits. */
const DOS_DIR = 0x10;
/** A zip stores local times from 1980 to 2107 (fflate: to 2099); workspace mtimes outside are clamped. */
const ZIP_MIN = new Date(1980, 0, 2).getTime();
const ZIP_MAX = new Date(2099, 11, 31).getTime();

export interface ZipResult {
  bytes: Uint8Array;
  files: number;
  folders: number;
  /** Entries left out (symbolic links: the workspace API does not expose their targets). */
  skipped: string[];
}

/** A workspace mtime (seconds) as a date a zip can hold. */
function zipTime(mtimeSeconds: number): number {
  return Math.min(ZIP_MAX, Math.max(ZIP_MIN, mtimeSeconds * 1000));
}

/** 0755 for scripts (a `#!` first line), 0644 for other files: what a checkout would give them. */
export function fileMode(bytes: Uint8Array): number {
  return bytes[0] === 0x23 && bytes[1] === 0x21 ? 0o755 : 0o644;
}

/** Everything under `folder` as a zip; entry names are relative to `folder` (folders end with `/`). */
export function zipFolder(ws: Pick<WorkspaceAccess, 'list' | 'readBytes'>, folder: string): ZipResult {
  const data: Zippable = {};
  const result: ZipResult = { bytes: new Uint8Array(0), files: 0, folders: 0, skipped: [] };
  for (const e of ws.list(folder)) {
    const name = relativeTo(folder, e.path);
    if (name === '' || name === e.path) continue;
    const mtime = zipTime(e.mtime);
    if (e.type === 'dir') {
      // an empty Zippable is a folder entry ("name/")
      data[name] = [{}, { os: OS_UNIX, attrs: (((S_IFDIR | 0o755) << 16) | DOS_DIR) >>> 0, mtime, level: 0 }];
      result.folders++;
      continue;
    }
    const bytes = e.type === 'file' ? ws.readBytes(e.path) : null;
    if (!bytes) {
      result.skipped.push(name);
      continue;
    }
    data[name] = [bytes, { os: OS_UNIX, attrs: ((S_IFREG | fileMode(bytes)) << 16) >>> 0, mtime, level: 6 }];
    result.files++;
  }
  result.bytes = zipSync(data);
  return result;
}

/** A file taken out of an uploaded zip. */
export interface Unzipped extends Incoming {
  bytes: Uint8Array;
}

/**
 * The files in an uploaded zip named `zipName`, as uploads. Entries that all sit in one
 * top folder keep their paths; otherwise they go into a folder named after the zip
 * (`site.zip` -> `site/`), so extracting never spills over the folder it lands in.
 * Throws an Error with a readable message when the bytes are not a zip.
 */
export function unzipUpload(zipName: string, bytes: Uint8Array, limits: UploadLimits = DEFAULT_LIMITS): { files: Unzipped[]; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  let total = 0;
  let contents: Record<string, Uint8Array>;
  try {
    contents = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        if (f.compression !== 0 && f.compression !== 8) {
          skipped.push({ name: f.name, reason: 'it is compressed in a way the browser can’t unpack' });
          return false;
        }
        // sizes come from the archive's directory, before anything is inflated
        if (f.originalSize > limits.maxFileBytes) {
          skipped.push({ name: f.name, reason: `it is ${humanSize(f.originalSize)}; files over ${humanSize(limits.maxFileBytes)} are left out` });
          return false;
        }
        if (total + f.originalSize > limits.maxTotalBytes) {
          skipped.push({ name: f.name, reason: `the archive unpacks to over ${humanSize(limits.maxTotalBytes)}` });
          return false;
        }
        total += f.originalSize;
        return true;
      },
    });
  } catch (e) {
    throw new Error(`${zipName} could not be unpacked: it is not a zip file, or it is damaged (${e instanceof Error ? e.message : String(e)}).`);
  }
  const names = Object.keys(contents);
  const tops = new Set(names.map((n) => {
    const parts = splitRelative(n);
    return typeof parts === 'string' || parts.length < 2 ? '' : parts[0];
  }));
  const oneFolder = tops.size === 1 && !tops.has('');
  const stem = zipName.replace(/\.zip$/i, '') || 'archive';
  const files = names.map((n) => ({ relativePath: oneFolder ? n : `${stem}/${n}`, size: contents[n].length, bytes: contents[n] }));
  return { files, skipped };
}
