/**
 * Test fixtures for the image, volume, world and reaper tests (never imported by the
 * server): a session scope, an IO that records what a command prints, and a tiny image
 * built from the seeded busybox with the session's labels, as real builds are.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import type { EngineEvent } from '../../src/shared/events.js';
import { docker } from '../../tests/server/engine.js';
import { LABEL_INSTANCE, LABEL_SESSION, sessionIdFor, type CommandIO, type SessionScope } from './types.js';

/** A fresh session scope on the test engine: `INSTANCE_test-<what>-<random>`, as the server names sessions. */
export function testScope(what: string, instanceId = 'test'): SessionScope {
  const sessionId = sessionIdFor(instanceId, `test-${what}-${randomBytes(4).toString('hex')}`);
  return { docker, sessionId, instanceId, labels: { [LABEL_SESSION]: sessionId, [LABEL_INSTANCE]: instanceId }, registry: null, buildSteps: new Set() };
}

/** A CommandIO that keeps lines and events for assertions. */
export function collectIO(): CommandIO & { out: string[]; err: string[]; events: EngineEvent[] } {
  const out: string[] = [];
  const err: string[] = [];
  const events: EngineEvent[] = [];
  return { out, err, events, stdout: (l) => out.push(l), stderr: (l) => err.push(l), event: (e) => events.push(e), signal: new AbortController().signal, env: {} };
}

/** Builds `FROM busybox:latest` plus `lines` with the classic builder and the session label only (as build.ts does); returns the image ID. */
export async function buildTiny(scope: SessionScope, tag: string, lines: string[], d: Docker = docker): Promise<string> {
  const p = pack();
  p.entry({ name: 'Dockerfile' }, ['FROM busybox:latest', ...lines].join('\n') + '\n');
  p.finalize();
  const stream = (await d.buildImage(p as unknown as NodeJS.ReadableStream, { t: tag, labels: { [LABEL_SESSION]: scope.sessionId }, networkmode: 'none' } as never)) as unknown as NodeJS.ReadableStream;
  const res = await new Promise<{ error?: string; aux?: { ID?: string } }[]>((resolve, reject) => d.modem.followProgress(stream, (err: Error | null, r: { error?: string }[]) => (err ? reject(err) : resolve(r))));
  const failed = res.find((r) => r.error);
  if (failed) throw new Error(failed.error);
  return (await d.getImage(tag).inspect()).Id;
}
