/**
 * Connecting a console to a container's (or an exec's) streams: output as lines when there
 * is no terminal, raw terminal data both ways with resizes when the console has one.
 */
import type { Duplex } from 'node:stream';
import { Demuxer, lineSinks, LineSplitter, streamDone } from './container-common.js';
import type { CommandIO } from './types.js';

/** How a stream is shown. */
export interface AttachMode {
  /** The process has a TTY: the stream is raw, not multiplexed. */
  tty: boolean;
  /** The console's keyboard goes to the process's stdin (the stream is hijacked). */
  stdin: boolean;
}

/** A console connected to a stream; `done` resolves when the stream ends. */
export interface Attached {
  done: Promise<void>;
  /** Stops forwarding input and resizes, and closes the stream. */
  close(): void;
}

/**
 * Connects the console to a container or exec stream. With a TTY and the console's
 * keyboard, output goes raw to `io.tty` and the keyboard and window size go to the
 * process; otherwise output is split into stdout and stderr lines.
 */
export function connectConsole(stream: NodeJS.ReadableStream, io: CommandIO, mode: AttachMode, resize?: (cols: number, rows: number) => Promise<unknown>): Attached {
  const disposers: (() => void)[] = [];
  const rawTty = mode.tty && mode.stdin && !!io.stdin && !!io.tty;
  let sinkEnd: () => void = () => {};
  if (rawTty) {
    const decoder = new TextDecoder();
    stream.on('data', (chunk: Buffer) => io.tty!(decoder.decode(chunk, { stream: true })));
  } else if (mode.tty) {
    const lines = new LineSplitter((l) => io.stdout(l));
    stream.on('data', (chunk: Buffer) => lines.write(chunk));
    sinkEnd = () => lines.end();
  } else {
    const sinks = lineSinks(io, false);
    const demux = new Demuxer((kind, data) => sinks.write(kind, data));
    stream.on('data', (chunk: Buffer) => demux.write(chunk));
    sinkEnd = () => sinks.end();
  }
  if (mode.stdin && io.stdin) {
    const input = stream as unknown as Duplex;
    // without a TTY there is no line discipline: Enter arrives as \r and the program wants \n
    disposers.push(io.stdin.onData((data) => input.write(mode.tty ? data : data.replace(/\r/g, '\n'))));
    if (mode.tty && resize) {
      // the first size is the caller's to send: a container takes it only once started
      disposers.push(io.stdin.onResize((cols, rows) => void resize(cols, rows).catch(() => undefined)));
    }
  }
  const done = streamDone(stream).then(() => {
    sinkEnd();
    for (const d of disposers.splice(0)) d();
  });
  return {
    done,
    close() {
      for (const d of disposers.splice(0)) d();
      (stream as unknown as Duplex).destroy?.();
    },
  };
}

/** Resolves after `ms`, or at once when the signal fires. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

/** Resolves when the signal fires (never when there is none). */
export function aborted(signal: AbortSignal): Promise<'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
}
