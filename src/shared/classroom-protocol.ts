/**
 * The classroom protocol (issue 8): learners and the instructor talk to the companion server
 * started with `--classroom` over one WebSocket path, `/classroom/ws`. One JSON object per
 * message; `server/classroom/` checks every incoming message with zod.
 *
 * - A learner's first message is `join` (the room's join code and a nickname, or `resume`
 *   with the id and key the server gave at the first join). Nothing else first.
 * - The instructor's first message is `instructor` with the dashboard token (its own token,
 *   not the join code and not the real-mode launch token).
 *
 * A learner only ever receives its own record and what the instructor sends to it or to
 * all; the roster goes only to the instructor.
 */
import type { WorldView } from './world.js';

/** Where the classroom lives on the companion server. */
export const CLASSROOM_WS_PATH = '/classroom/ws';
/** GET with `Authorization: Bearer <instructor token>`: the class report (CSV). */
export const CLASSROOM_REPORT_PATH = '/classroom/report.csv';
/** The tag the server puts in index.html when the classroom is on (the page then offers "Join the class"). */
export const CLASSROOM_MARKER = '<meta name="layerlab-classroom" content="1">';
/** The most a classroom message may be (a cast `panel` frame carries a WorldView). */
export const MAX_CLASSROOM_MESSAGE_BYTES = 1024 * 1024;
/** Join codes: this many characters of CODE_ALPHABET (no 0/O, 1/I/L). */
export const JOIN_CODE_LENGTH = 6;
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** Nicknames: 1 to 32 characters after trimming, no control characters. */
export const NICKNAME_MAX = 32;

/** A learner's standing in one lesson, as the learner's browser reports it. */
export interface LessonProgress {
  /** The step the learner is on (its id). */
  step: string;
  /** Steps of this lesson whose checks all passed at some point. */
  done: string[];
  /** Failed check runs on the current step: a command finished and the step's checks still did not all pass. */
  failures: number;
  /** The learner's clock when this record changed (ms); the newer record wins when merging after a reconnect. */
  updatedAt: number;
}

/** When a learner counts as stuck on a step that is not done. */
export interface StuckRule {
  /** Minutes on the same step. */
  minutes: number;
  /** Failed check runs on the same step. */
  failures: number;
}

/** Hold the room: learners may not go past this step of this lesson until released. */
export interface Hold {
  lesson: string;
  step: string;
}

/** What the instructor broadcasts live to every learner (read-only for them). */
export type CastFrame =
  /** The cast begins (learners open the broadcast pane). */
  | { kind: 'start'; title?: string }
  /** Bytes the instructor's console wrote (xterm data, unsafe sequences already stripped by the server). */
  | { kind: 'term'; data: string }
  /** The instructor's console size: viewers draw that many columns (smaller type on a narrow screen), so lines wrap as they did. */
  | { kind: 'size'; cols: number; rows: number }
  /** The instructor's visual panel: which view, and the world it draws. */
  | { kind: 'panel'; view: string; world: WorldView }
  /** The cast ends. */
  | { kind: 'stop' };

export type LearnerClientMessage =
  /** First message. `resume` rejoins as the same learner (after a reload, a drop or a server restart). */
  | { t: 'join'; code: string; nickname: string; resume?: { id: string; key: string } }
  /** The learner's lesson and step changed, a step was done, or a check run failed. */
  | { t: 'progress'; lesson: string; progress: LessonProgress }
  /** After a reconnect: everything the browser holds, so the server catches up with work done offline. */
  | { t: 'sync'; current: string | null; lessons: Record<string, LessonProgress> }
  /** Keep-alive (the server answers `pong`). */
  | { t: 'ping' };

export type InstructorClientMessage =
  | { t: 'instructor'; token: string }
  /** A hint to one learner (`to` = learner id) or to everyone (`to` = 'all'). */
  | { t: 'hint'; to: string; text: string }
  /** Every learner opens this lesson from its start state. */
  | { t: 'push-start'; lesson: string }
  /** Hold the room at a step (null releases it). */
  | { t: 'hold'; hold: Hold | null }
  | { t: 'stuck-rule'; rule: StuckRule }
  | { t: 'cast'; frame: CastFrame }
  /** End the class: learners are told, the join code stops working; the report stays. */
  | { t: 'end' }
  | { t: 'ping' };

export type ClassroomClientMessage = LearnerClientMessage | InstructorClientMessage;

/** A learner as the instructor's dashboard shows it. */
export interface RosterEntry {
  id: string;
  nickname: string;
  online: boolean;
  /** The lesson the learner is in, or null (course overview, sandbox). */
  lesson: string | null;
  /** The learner's step in that lesson. */
  step: string | null;
  /** Server time (ms) when the learner reached that step. */
  stepSince: number | null;
  /** Failed check runs on that step. */
  failures: number;
  /** Over the stuck rule on a step not yet done. */
  stuck: boolean;
  /** Done steps, by lesson id. */
  done: Record<string, string[]>;
  /** Server time (ms) of the learner's last message. */
  lastSeen: number;
  /** The learner has a real-mode session open (commands run on the server's Docker engine). */
  real?: boolean;
}

/** The room as the dashboard draws it. */
export interface RoomView {
  code: string;
  /** The URL learners open (the QR code encodes it with the code in its fragment). */
  joinUrl: string;
  startedAt: number;
  ended: boolean;
  hold: Hold | null;
  stuckRule: StuckRule;
  learners: RosterEntry[];
  /** How many learners (with their progress) the server restored from disk at start (0 for a new class). */
  restored: number;
  /** Server time now (ms): the dashboard computes "time on step" against it. */
  now: number;
}

export type LearnerServerMessage =
  /** Answer to `join`: who the learner is (keep id and key to resume), and the room's state that concerns it. */
  | { t: 'joined'; id: string; key: string; nickname: string; hold: Hold | null; lessons: Record<string, LessonProgress>; cast: boolean }
  | { t: 'hint'; text: string; at: number; toAll: boolean }
  | { t: 'push-start'; lesson: string }
  | { t: 'hold'; hold: Hold | null }
  | { t: 'cast'; frame: CastFrame }
  /** The instructor ended the class. */
  | { t: 'ended' };

export type InstructorServerMessage =
  | { t: 'room'; room: RoomView }
  /** One learner changed (joined, progressed, went on- or offline, became stuck). */
  | { t: 'learner'; learner: RosterEntry; now: number };

export type ClassroomServerMessage =
  | LearnerServerMessage
  | InstructorServerMessage
  | { t: 'pong' }
  /** A refused message; `fatal` closes the socket. */
  | { t: 'error'; message: string; fatal?: boolean };
