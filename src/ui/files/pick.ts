/**
 * Files from the page: an `<input type=file>` (with or without `webkitdirectory`)
 * or a drag-and-drop, as `Picked` items with their paths relative to what was picked.
 */
import type { Picked } from './transfer.js';

function picked(file: File, relativePath: string): Picked {
  return { relativePath, size: file.size, read: async () => new Uint8Array(await file.arrayBuffer()) };
}

/** The files an input chose; a folder pick keeps the folder's name as the first path part. */
export function fromFileList(list: FileList | null): Picked[] {
  return [...(list ?? [])].map((f) => picked(f, f.webkitRelativePath || f.name));
}

/**
 * The files of a drop, walking dropped folders. The entries must be taken while
 * the drop event runs (the DataTransfer empties afterwards), so call this first, await later.
 */
export function fromDrop(dt: DataTransfer): Promise<Picked[]> {
  const entries = [...dt.items].filter((i) => i.kind === 'file').map((i) => ({ entry: i.webkitGetAsEntry?.() ?? null, file: i.getAsFile() }));
  return (async () => {
    const out: Picked[] = [];
    for (const { entry, file } of entries) {
      if (entry) await walk(entry, '', out);
      else if (file) out.push(picked(file, file.name));
    }
    return out;
  })();
}

async function walk(entry: FileSystemEntry, prefix: string, out: Picked[]): Promise<void> {
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push(picked(file, path));
  } else if (entry.isDirectory) {
    if (entry.name === '.git') return; // never read a repository's history just to skip it
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries hands out a batch at a time (100 in Chromium) until an empty one
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, path + '/', out);
    }
  }
}
