import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveClass, Journal, JOURNAL_FILE, SNAPSHOT_FILE } from './journal.js';

type R = { v: number };
type S = { sum: number };
const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-journal-'));
  dirs.push(d);
  return path.join(d, 'class');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('Journal', () => {
  it('replays what was appended, after a close', () => {
    const dir = tmp();
    const { journal } = Journal.open<S, R>(dir);
    for (let v = 1; v <= 5; v++) journal.append({ v });
    journal.close();
    const again = Journal.open<S, R>(dir);
    expect(again.records.map((r) => r.v)).toEqual([1, 2, 3, 4, 5]);
    expect(again.snapshot).toBeNull();
    again.journal.close();
  });

  it('skips a torn last line and cuts it off, so the next record is whole', () => {
    const dir = tmp();
    const { journal } = Journal.open<S, R>(dir);
    journal.append({ v: 1 });
    journal.append({ v: 2 });
    journal.close();
    fs.appendFileSync(path.join(dir, JOURNAL_FILE), '{"n":3,"r":{"v":');
    const torn = Journal.open<S, R>(dir);
    expect(torn.records.map((r) => r.v)).toEqual([1, 2]);
    expect(torn.skipped).toBe(1);
    torn.journal.append({ v: 3 });
    torn.journal.close();
    const after = Journal.open<S, R>(dir);
    expect(after.records.map((r) => r.v)).toEqual([1, 2, 3]);
    expect(after.skipped).toBe(0);
    after.journal.close();
  });

  it('keeps the state through compaction, and skips records the snapshot already holds', () => {
    const dir = tmp();
    const { journal } = Journal.open<S, R>(dir, { compactAfter: 3 });
    let sum = 0;
    for (let v = 1; v <= 7; v++) {
      journal.append({ v });
      sum += v;
      if (journal.compactDue) journal.compact({ sum });
    }
    journal.close();
    const { journal: j2, snapshot, records } = Journal.open<S, R>(dir);
    expect(snapshot).toEqual({ sum: 1 + 2 + 3 + 4 + 5 + 6 });
    expect(records.map((r) => r.v)).toEqual([7]);
    j2.close();
    // a crash after the snapshot was renamed but before the journal was emptied: the old lines are skipped by number
    const old = '{"n":1,"r":{"v":1}}\n{"n":6,"r":{"v":6}}\n{"n":7,"r":{"v":7}}\n';
    fs.writeFileSync(path.join(dir, JOURNAL_FILE), old);
    const crashed = Journal.open<S, R>(dir);
    expect(crashed.records.map((r) => r.v)).toEqual([7]);
    crashed.journal.close();
  });

  it('creates its files 0600 in a 0700 folder', () => {
    const dir = tmp();
    const { journal } = Journal.open<S, R>(dir, { compactAfter: 1 });
    journal.append({ v: 1 });
    journal.compact({ sum: 1 });
    journal.append({ v: 2 });
    journal.close();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of [JOURNAL_FILE, SNAPSHOT_FILE]) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a snapshot that does not parse instead of starting a new class over it', () => {
    const dir = tmp();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, SNAPSHOT_FILE), '{"seq":');
    expect(() => Journal.open<S, R>(dir)).toThrow(/not a classroom snapshot/);
  });

  it('archives a class so the next start is a new one', () => {
    const dir = tmp();
    const { journal } = Journal.open<S, R>(dir);
    journal.append({ v: 1 });
    journal.close();
    const to = archiveClass(dir, new Date(0));
    expect(to).toContain('archive');
    expect(fs.existsSync(path.join(to!, JOURNAL_FILE))).toBe(true);
    const fresh = Journal.open<S, R>(dir);
    expect(fresh.records).toEqual([]);
    fresh.journal.close();
    expect(archiveClass(path.join(dir, 'nothing-here'))).toBeNull();
  });
});
