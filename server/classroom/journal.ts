/**
 * Classroom state on disk without native modules: an append-only JSON Lines journal
 * (`journal.jsonl`, one `{ n, r }` record a line) and a snapshot (`snapshot.json`, the whole
 * state as of record `seq`). At start the snapshot is read and the journal's later records
 * replayed; a torn last line (a crash mid-write) is cut off, never fatal. Compaction writes a
 * new snapshot to a temporary file, fsyncs it and renames it over the old one (atomic), then
 * starts an empty journal the same way; records a snapshot already holds are skipped by their
 * number, so a crash between the two steps loses nothing. Files are 0600 in a 0700 folder.
 *
 * Writes are synchronous; fsync runs once per event-loop turn for all the records written in
 * it (group commit), so a burst of 100 learners costs one fsync, not 100.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const JOURNAL_FILE = 'journal.jsonl';
export const SNAPSHOT_FILE = 'snapshot.json';

/** What `Journal.open` found on disk. */
export interface Replay<S, R> {
  journal: Journal<S, R>;
  /** The latest snapshot, or null. */
  snapshot: S | null;
  /** Journal records after the snapshot, in order. */
  records: R[];
  /** Lines that did not parse (a torn last line, cut off). */
  skipped: number;
}

export interface JournalOptions {
  /** Compact once the journal holds this many records (default 2,000). */
  compactAfter?: number;
}

export class Journal<S, R> {
  private fd: number;
  private seq: number;
  private sinceSnapshot: number;
  private syncPending = false;
  private closed = false;

  private constructor(
    readonly dir: string,
    seq: number,
    records: number,
    private readonly compactAfter: number,
  ) {
    this.seq = seq;
    this.sinceSnapshot = records;
    this.fd = openPrivate(path.join(dir, JOURNAL_FILE), 'a');
  }

  /** Opens (or creates) the journal in `dir` and reads what it holds. */
  static open<S, R>(dir: string, opts: JournalOptions = {}): Replay<S, R> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    let snapshot: S | null = null;
    let seq = 0;
    const snapFile = path.join(dir, SNAPSHOT_FILE);
    if (fs.existsSync(snapFile)) {
      // renamed into place whole, so it parses or someone else broke it: say so rather than start a new class
      try {
        const s = JSON.parse(fs.readFileSync(snapFile, 'utf8')) as { seq: number; state: S };
        snapshot = s.state;
        seq = s.seq;
      } catch (e) {
        throw new Error(`${snapFile} is not a classroom snapshot (${(e as Error).message}); move it away to start a new class`);
      }
    }
    const records: R[] = [];
    let skipped = 0;
    const file = path.join(dir, JOURNAL_FILE);
    if (fs.existsSync(file)) {
      const buf = fs.readFileSync(file);
      let at = 0;
      let goodEnd = 0;
      while (at < buf.length) {
        const nl = buf.indexOf(0x0a, at);
        const end = nl < 0 ? buf.length : nl;
        const line = buf.subarray(at, end).toString('utf8');
        at = end + 1;
        if (!line.trim()) continue;
        try {
          const { n, r } = JSON.parse(line) as { n: number; r: R };
          if (typeof n !== 'number' || r === undefined) throw new Error('not a record');
          if (nl < 0) throw new Error('no line end: torn');
          if (n > seq) records.push(r);
          seq = Math.max(seq, n);
          goodEnd = at;
        } catch {
          skipped++;
        }
      }
      // cut a torn tail, so the next record starts on a line of its own
      if (goodEnd < buf.length && skipped) fs.truncateSync(file, goodEnd);
    }
    const journal = new Journal<S, R>(dir, seq, records.length, opts.compactAfter ?? 2000);
    return { journal, snapshot, records, skipped };
  }

  /** true when the journal has grown past `compactAfter` records since the last snapshot. */
  get compactDue(): boolean {
    return this.sinceSnapshot >= this.compactAfter;
  }

  /** Appends one record; it is on disk (fsync) before the next event-loop turn. */
  append(r: R): void {
    if (this.closed) throw new Error('the classroom journal is closed');
    const line = JSON.stringify({ n: ++this.seq, r }) + '\n';
    fs.writeSync(this.fd, line);
    this.sinceSnapshot++;
    if (!this.syncPending) {
      this.syncPending = true;
      setImmediate(() => this.sync());
    }
  }

  /** Flushes written records to the disk now. */
  sync(): void {
    if (!this.syncPending || this.closed) return;
    this.syncPending = false;
    fs.fsyncSync(this.fd);
  }

  /** Writes `state` (everything up to the last appended record) as the snapshot and empties the journal. */
  compact(state: S): void {
    this.sync();
    writeAtomic(path.join(this.dir, SNAPSHOT_FILE), JSON.stringify({ seq: this.seq, state }));
    // from here a crash leaves the old journal beside the new snapshot: its records are <= seq, and skipped
    writeAtomic(path.join(this.dir, JOURNAL_FILE), '');
    fs.closeSync(this.fd);
    this.fd = openPrivate(path.join(this.dir, JOURNAL_FILE), 'a');
    this.sinceSnapshot = 0;
  }

  /** Flushes and closes the file. */
  close(): void {
    if (this.closed) return;
    this.sync();
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

/** Moves a class's files into `dir/archive/<time>/` so the next start begins a new class; the folder, or null when there was none. */
export function archiveClass(dir: string, now = new Date()): string | null {
  const files = [JOURNAL_FILE, SNAPSHOT_FILE].filter((f) => fs.existsSync(path.join(dir, f)));
  if (!files.length) return null;
  const to = path.join(dir, 'archive', now.toISOString().replace(/[:.]/g, '-'));
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const f of files) fs.renameSync(path.join(dir, f), path.join(to, f));
  return to;
}

function openPrivate(file: string, flags: string): number {
  const fd = fs.openSync(file, flags, 0o600);
  fs.fchmodSync(fd, 0o600);
  return fd;
}

/** Write to a temporary file, fsync, rename over `file`, fsync the folder: readers see the old file or the new one. */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openPrivate(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dfd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}
