/**
 * What the shell and its programs share while one container process runs:
 * file descriptors as streams, the process table `ps` shows, and a step
 * budget, because a synchronous simulator cannot be interrupted by a timer.
 */
import type { CommandIO, CommandResolver } from './types.js';

/** A writable file descriptor. */
export interface OutStream {
  kind: 'out';
  write(s: string): void;
}

/** A readable file descriptor: the text and how much of it was read. */
export interface InStream {
  kind: 'in';
  text: string;
  pos: number;
}

export type Stream = OutStream | InStream;
export type FdTable = Map<number, Stream>;

/** A stream of `text` to read from the start. */
export function inStream(text: string): InStream {
  return { kind: 'in', text, pos: 0 };
}

/** A stream whose text is produced on first read (a parent's stdin is consumed only if used). */
export function lazyInStream(read: () => string): InStream {
  let text: string | undefined;
  return {
    kind: 'in',
    pos: 0,
    get text() {
      return (text ??= read());
    },
  };
}

export interface Proc {
  pid: number;
  uid: number;
  argv: string[];
}

/** Commands one run may execute before it is stopped: `while true` must end in a page. */
export const STEP_LIMIT = 200_000;
/** Nested function calls and programs one run may make. */
export const DEPTH_LIMIT = 150;
/** Characters one run may write before it is stopped (`yes` without `head`). */
export const OUTPUT_LIMIT = 16 << 20;

/** Thrown through everything when the run must stop (abort signal, step or output limit). */
export class StopRun extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The simulated machine one `runShell`/`runArgv` call runs on. */
export class Machine {
  readonly procs: Proc[] = [];
  private nextPid = 1;
  steps = 0;
  output = 0;
  /** Nested function calls and programs, bounded so recursion ends like a crashed process, not a JS stack overflow. */
  depth = 0;

  constructor(readonly resolver?: CommandResolver) {}

  /** Registers a running program; the first one is PID 1, as in a container. */
  start(uid: number, argv: string[]): Proc {
    const p = { pid: this.nextPid++, uid, argv };
    this.procs.push(p);
    return p;
  }

  end(p: Proc): void {
    const i = this.procs.indexOf(p);
    if (i >= 0) this.procs.splice(i, 1);
  }

  /** Counts one command and stops the run when the budget or the abort signal says so. */
  step(signal?: AbortSignal): void {
    if (signal?.aborted) throw new StopRun(130, '');
    if (++this.steps > STEP_LIMIT) throw new StopRun(137, `layerlab: stopped after ${STEP_LIMIT} commands (the simulator does not run endless loops)\n`);
  }

  /** Runs `fn` one nesting level deeper; past DEPTH_LIMIT the run stops as a segfault would (139). */
  nested<T>(fn: () => T): T {
    if (++this.depth > DEPTH_LIMIT) {
      this.depth = 0;
      throw new StopRun(139, `layerlab: stopped after ${DEPTH_LIMIT} nested calls (endless recursion)\n`);
    }
    try {
      return fn();
    } finally {
      this.depth = Math.max(0, this.depth - 1);
    }
  }

  /** Counts output and stops runaway writers. */
  wrote(n: number): void {
    this.output += n;
    if (this.output > OUTPUT_LIMIT) throw new StopRun(141, `layerlab: stopped after ${OUTPUT_LIMIT} bytes of output\n`);
  }
}

/** What a spawned program gets instead of its parent's stdin or environment. */
export interface SpawnOptions {
  stdin?: string;
  env?: Record<string, string>;
}

/**
 * The `CommandIO` the built-in shell hands its programs: it also carries the
 * machine, so `sh -c`, `env cmd`, `xargs` and `find -exec` can start programs.
 */
export interface ShellIO extends CommandIO {
  machine: Machine;
  /** Runs a program by argv (PATH lookup as exec does); `notFound`/`notExecutable` when it could not start. */
  spawn(argv: string[], opts?: SpawnOptions): { code: number; notFound?: boolean; notExecutable?: boolean };
}

/** The shell extras of an io, when the caller is the built-in shell. */
export function shellIO(io: CommandIO): ShellIO | undefined {
  return 'machine' in io ? (io as ShellIO) : undefined;
}
