/** Test helpers for the container commands: a session scope, a console that records, and cleanup by label. */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { EngineEvent } from '../../src/shared/events.js';
import { LABEL_INSTANCE, LABEL_SESSION, type CommandIO, type SessionScope } from './types.js';

/** A fresh session on the given engine. */
export function testScope(docker: Docker): SessionScope {
  const sessionId = `test-ctr-${randomBytes(6).toString('hex')}`;
  return { docker, sessionId, instanceId: 'test', labels: { [LABEL_SESSION]: sessionId, [LABEL_INSTANCE]: 'test' }, registry: null, buildSteps: new Set() };
}

/** A console that records what a command prints; `terminal` gives it a keyboard and a TTY. */
export interface RecordingConsole {
  io: CommandIO;
  out: string[];
  err: string[];
  /** Raw TTY output so far. */
  tty(): string;
  /** Types on the console's keyboard. */
  type(data: string): void;
  interrupt(): void;
}

/** Makes a recording console. */
export function recordingConsole(terminal = false): RecordingConsole {
  const out: string[] = [];
  const err: string[] = [];
  let raw = '';
  const ctl = new AbortController();
  const inputs = new Set<(d: string) => void>();
  const resizers = new Set<(c: number, r: number) => void>();
  const io: CommandIO = {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    event: () => undefined,
    signal: ctl.signal,
    env: {},
  };
  if (terminal) {
    io.tty = (d) => {
      raw += d;
    };
    io.stdin = {
      onData: (cb) => (inputs.add(cb), () => inputs.delete(cb)),
      size: { cols: 100, rows: 30 },
      onResize: (cb) => (resizers.add(cb), () => resizers.delete(cb)),
    };
  }
  return {
    io,
    out,
    err,
    tty: () => raw,
    type: (d) => inputs.forEach((cb) => cb(d)),
    interrupt: () => ctl.abort(),
  };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(check: () => T | Promise<T>, ms = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== null && v !== false) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes every container and volume labelled with the session. */
export async function cleanupSession(docker: Docker, sessionId: string): Promise<void> {
  const label = [`${LABEL_SESSION}=${sessionId}`];
  for (const c of await docker.listContainers({ all: true, filters: { label } })) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters: { label } })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
}

/** The events of one kind, for readable assertions. */
export function statesOf(events: EngineEvent[], containerId: string): string[] {
  return events
    .filter((e) => 'containerId' in e && e.containerId === containerId)
    .map((e) => (e.type === 'container.state' ? `${e.previous ?? '-'}>${e.state}${e.exitCode !== undefined ? `(${e.exitCode})` : ''}` : e.type));
}
