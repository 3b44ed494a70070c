/**
 * What the real container commands share: flag parsing with the simulator's specs, the
 * daemon's errors worded as the docker CLI prints them, finding a container within the
 * session, and turning the engine's byte streams into output lines.
 */
import { realCommandSpec } from '../policy/command.js';
import type Docker from 'dockerode';
import { DockerError } from '../../src/engine/errors.js';
import { cliErrorExit, Flags, parseFlags, type CommandSpec } from '../../src/cli/flags.js';
import { LABEL_SESSION, type CommandIO, type RealCommand, type SessionScope } from './types.js';

/** A container of the session, as the list endpoint returns it. */
export type SessionContainer = Docker.ContainerInfo;

/** The exit code the console shows for a command cut short by Ctrl-C (what a shell reports for SIGINT). */
export const INTERRUPTED = 130;

/** Wraps a handler: parses argv against the simulator's spec and prints docker's errors for whatever it throws. */
export function realCommand(spec: CommandSpec, fn: (scope: SessionScope, f: Flags, io: CommandIO) => Promise<number>): RealCommand {
  return async (scope, argv, io) => {
    try {
      return await fn(scope, new Flags(parseFlags(withRealFlags(spec), argv)), io);
    } catch (e) {
      const code = cliErrorExit(e, io);
      if (code !== null) return code;
      const msg = daemonMessage(e);
      if (msg === null) throw e;
      io.stderr(`Error response from daemon: ${msg}`);
      return 1;
    }
  };
}

/** The simulator's spec plus the harmless flags the policy lets through (`--add-host`, `--cap-drop`...). */
function withRealFlags(spec: CommandSpec): CommandSpec {
  try {
    return realCommandSpec(spec.name);
  } catch {
    return spec;
  }
}

/** The daemon's own message of an Engine API error (dockerode keeps the JSON body), or null for other errors. */
export function daemonMessage(e: unknown): string | null {
  const err = e as { statusCode?: number; json?: unknown; reason?: string; message?: string };
  if (typeof err?.statusCode !== 'number') return null;
  let body: unknown = err.json;
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim();
    }
  }
  const m = (body as { message?: string } | null | undefined)?.message;
  if (m) return m.trim();
  // streamed requests (pull, attach, events) keep no JSON: the body is in the message after the reason
  const inMessage = /^\(HTTP code \d+\) .*? - ([\s\S]*)$/.exec(err.message ?? '');
  if (inMessage?.[1]?.trim()) return inMessage[1].trim();
  return (err.reason ?? err.message ?? 'unknown error').trim();
}

/** The HTTP status of an Engine API error, if it is one. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** The daemon's answer for a container the session cannot see. */
export const noSuchContainer = (ref: string) => `Error response from daemon: No such container: ${ref}`;

/** The docker CLI's own wording for a missing container (rm, logs, diff, exec, inspect). */
export const noSuchContainerCli = (ref: string) => `Error: No such container: ${ref}`;

/** Every container of the session (all states), newest first. */
export async function sessionContainers(scope: SessionScope): Promise<SessionContainer[]> {
  return scope.docker.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=${scope.sessionId}`] } });
}

/**
 * A container of the session by full ID, name or unique ID prefix, in the daemon's order
 * of precedence; null when there is none. Containers of other sessions and unlabelled ones
 * are never matched, so they look missing, as they would to a separate engine.
 */
export async function findContainer(scope: SessionScope, ref: string): Promise<SessionContainer | null> {
  if (!ref) return null;
  const list = await sessionContainers(scope);
  const exact = list.find((c) => c.Id === ref) ?? list.find((c) => c.Names.some((n) => n.replace(/^\//, '') === ref.replace(/^\//, '')));
  if (exact) return exact;
  if (!/^[0-9a-f]+$/.test(ref)) return null;
  const byPrefix = list.filter((c) => c.Id.startsWith(ref));
  if (byPrefix.length > 1) throw new DockerError(`Error response from daemon: Multiple IDs found with provided prefix: ${ref}`);
  return byPrefix[0] ?? null;
}

/** The session's container or the given error (docker's wording differs per command). */
export async function mustFindContainer(scope: SessionScope, ref: string, missing = noSuchContainer): Promise<SessionContainer> {
  const c = await findContainer(scope, ref);
  if (!c) throw new DockerError(missing(ref));
  return c;
}

/** A container's name without the leading slash the API puts on it. */
export function containerName(c: { Names?: string[]; Name?: string }): string {
  return (c.Names?.[0] ?? c.Name ?? '').replace(/^\//, '');
}

/**
 * Runs `fn` for each named container of the session; prints each failure as docker does
 * and returns 1 if any failed.
 */
export async function eachContainer(scope: SessionScope, io: CommandIO, refs: string[], fn: (c: SessionContainer, ref: string) => Promise<void>, missing = noSuchContainer): Promise<number> {
  let failed = 0;
  for (const ref of refs) {
    try {
      const c = await findContainer(scope, ref);
      if (!c) throw new DockerError(missing(ref));
      await fn(c, ref);
    } catch (e) {
      failed++;
      if (e instanceof DockerError) for (const l of e.message.split('\n')) io.stderr(l);
      else {
        const msg = daemonMessage(e);
        if (msg === null) throw e;
        io.stderr(`Error response from daemon: ${msg}`);
      }
    }
  }
  return failed > 0 ? 1 : 0;
}

/** Splits a byte stream into lines; a line is delivered when its newline arrives, the rest on `end()`. */
export class LineSplitter {
  private partial = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly line: (l: string) => void) {}
  /** Feeds bytes; TTY output's `\r\n` ends a line like `\n`. */
  write(chunk: Uint8Array): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) this.line(p.replace(/\r$/, ''));
  }
  /** Delivers a last line without a newline. */
  end(): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest !== '') this.line(rest.replace(/\r$/, ''));
  }
}

/**
 * Splits the Engine API's multiplexed stream (8-byte headers: stream type, 3 zero bytes,
 * big-endian length) into stdout and stderr, across chunk boundaries.
 */
export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly out: (kind: 'stdout' | 'stderr', data: Buffer) => void) {}
  /** Feeds bytes of the stream. */
  write(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = this.pending[0] === 2 ? 'stderr' : 'stdout';
      this.out(kind, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}

/** Output lines of a container stream: to the console's stdout and stderr, or all to stdout for a TTY (as docker shows it). */
export function lineSinks(io: CommandIO, tty: boolean): { write(kind: 'stdout' | 'stderr', data: Buffer): void; end(): void } {
  const out = new LineSplitter((l) => io.stdout(l));
  const err = tty ? out : new LineSplitter((l) => io.stderr(l));
  return {
    write: (kind, data) => (kind === 'stderr' ? err : out).write(data),
    end: () => {
      out.end();
      err.end();
    },
  };
}

/** Resolves when the stream ends, closes or fails (whichever comes first). */
export function streamDone(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}
