/**
 * A classroom, assembled: the course catalog, the room restored from its journal (or a new
 * one), and the hub that serves it. The companion server (server/app.ts) owns one when
 * started with `--classroom`; it asks `learnerFor` before it opens a learner's real-mode
 * session (docs/classroom.md, "Real Docker for learners").
 */
import * as path from 'node:path';
import type { StuckRule } from '../../src/shared/classroom-protocol.js';
import { tokenMatches } from '../guard.js';
import { loadCatalog } from './catalog.js';
import { ClassroomHub, type HubOptions } from './hub.js';
import { Journal } from './journal.js';
import { classReport } from './report.js';
import { Room, type Learner, type RoomRecord, type RoomState } from './room.js';

export interface ClassroomOptions {
  /** Where the journal and snapshot live (created 0700). */
  dataDir: string;
  /** The stuck rule of a new class (a restored class keeps its own). */
  stuckRule?: StuckRule;
  /** The course (default: the repository's lessons/). */
  lessonsDir?: string;
  /** Compact the journal after this many records (default 2,000). */
  compactAfter?: number;
  /** Hub timings, for tests. */
  hub?: Pick<HubOptions, 'joinTimeout' | 'tickMs' | 'flushMs' | 'maxLearners' | 'now'>;
}

/** What came back from disk at start. */
export interface Restored {
  /** Learners restored (0 for a new class). */
  learners: number;
  /** Journal records replayed after the snapshot. */
  records: number;
  fromSnapshot: boolean;
  /** Torn or unreadable journal lines skipped. */
  skipped: number;
}

export interface Classroom {
  room: Room;
  hub: ClassroomHub;
  restored: Restored;
  /** The class report as CSV. */
  report(): string;
  /** The learner these credentials name (key compared in constant time) in a class that has not ended, or why not. */
  learnerFor(credentials: { id: string; key: string }): { learner: Learner } | { refused: string };
  close(): void;
}

const NO_KEY = '-'.repeat(43);
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Opens the classroom in `dataDir`: restores the class found there, or starts a new one. */
export function openClassroom(opts: ClassroomOptions, joinUrl: () => string): Classroom {
  const catalog = loadCatalog(opts.lessonsDir ?? path.join(REPO, 'lessons'));
  const { journal, snapshot, records, skipped } = Journal.open<RoomState, RoomRecord>(opts.dataDir, { compactAfter: opts.compactAfter });
  const room: Room = new Room(catalog, (r) => {
    journal.append(r);
    if (journal.compactDue) journal.compact(room.toState());
  });
  if (snapshot) room.load(snapshot);
  for (const r of records) room.apply(r);
  const now = opts.hub?.now ?? Date.now;
  const learners = room.created ? room.learners.size : 0;
  if (!room.created) room.create(now(), opts.stuckRule);
  const hub = new ClassroomHub(room, { ...opts.hub, joinUrl, restored: learners });
  return {
    room,
    hub,
    restored: { learners, records: records.length, fromSnapshot: !!snapshot, skipped },
    report: () => classReport(room, now()),
    learnerFor({ id, key }) {
      const l = room.learners.get(id);
      // an unknown id still costs a comparison (against a key no one holds) and says the same as a wrong key
      if (!tokenMatches(l?.key ?? NO_KEY, key) || !l) return { refused: 'the learner id or key is wrong: join the class again' };
      if (room.ended !== null) return { refused: 'this class has ended: real mode is closed' };
      return { learner: l };
    },
    close() {
      hub.close();
      journal.close();
    },
  };
}
