import { describe, expect, it } from 'vitest';
import { decodeTrace, PlainPrinter } from './buildkit-trace.js';

/** A tiny protobuf writer for the fixtures: varints and length-delimited fields only. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const field = (no: number, value: number[] | string | number): number[] =>
  typeof value === 'number' ? [...varint(no * 8), ...varint(value)] : [...varint(no * 8 + 2), ...varint(typeof value === 'string' ? Buffer.byteLength(value) : value.length), ...(typeof value === 'string' ? [...Buffer.from(value)] : value)];
const ts = (ms: number) => [...field(1, Math.floor(ms / 1000)), ...field(2, (ms % 1000) * 1e6)];
const T0 = 1_700_000_000_000;

function vertex(digest: string, name: string, opts: { started?: number; completed?: number; cached?: boolean; error?: string } = {}): number[] {
  return field(1, [...field(1, digest), ...field(3, name), ...(opts.cached ? field(4, 1) : []), ...(opts.started !== undefined ? field(5, ts(opts.started)) : []), ...(opts.completed !== undefined ? field(6, ts(opts.completed)) : []), ...(opts.error ? field(7, opts.error) : [])]);
}
const b64 = (...parts: number[][]) => Buffer.from(parts.flat()).toString('base64');

describe('the BuildKit trace', () => {
  it('decodes vertexes, statuses and logs of a StatusResponse', () => {
    const status = field(2, [...field(1, 'transferring context:'), ...field(2, 'sha256:a'), ...field(4, 1234), ...field(7, ts(T0)), ...field(8, ts(T0 + 50))]);
    const log = field(3, [...field(1, 'sha256:b'), ...field(2, ts(T0 + 123)), ...field(3, 1), ...field(4, 'hello\n')]);
    const s = decodeTrace(b64(vertex('sha256:a', '[internal] load build context', { started: T0, completed: T0 + 100 }), status, log));
    expect(s.vertexes).toEqual([{ digest: 'sha256:a', inputs: [], name: '[internal] load build context', cached: false, started: T0, completed: T0 + 100, error: '' }]);
    expect(s.statuses[0]).toMatchObject({ id: 'transferring context:', vertex: 'sha256:a', current: 1234, started: T0, completed: T0 + 50 });
    expect(s.logs[0]).toMatchObject({ vertex: 'sha256:b', stream: 1, timestamp: T0 + 123 });
    expect(Buffer.from(s.logs[0]!.msg).toString()).toBe('hello\n');
  });

  it('prints plain progress: numbered on first sight, logs with their offset, CACHED, DONE and the error box', () => {
    const lines: string[] = [];
    const p = new PlainPrinter((l) => lines.push(l));
    p.update(decodeTrace(b64(vertex('sha256:from', '[1/3] FROM docker.io/library/busybox:latest'), vertex('sha256:run', '[2/3] RUN echo hi'))));
    p.update(decodeTrace(b64(vertex('sha256:from', '[1/3] FROM docker.io/library/busybox:latest', { started: T0, completed: T0, cached: true }))));
    p.flush();
    p.update(decodeTrace(b64(vertex('sha256:run', '[2/3] RUN echo hi', { started: T0 }), field(3, [...field(1, 'sha256:run'), ...field(2, ts(T0 + 250)), ...field(4, 'hi\n')]))));
    p.flush();
    p.update(decodeTrace(b64(vertex('sha256:run', '[2/3] RUN echo hi', { started: T0, completed: T0 + 300, error: 'executor failed running [/bin/sh -c echo hi]: exit code: 1' }))));
    p.flush();
    p.errorSummary();
    expect(lines).toEqual([
      '#1 [1/3] FROM docker.io/library/busybox:latest',
      '#1 sha256:from',
      '#1 CACHED',
      '',
      '#2 [2/3] RUN echo hi',
      '#2 sha256:run',
      '#2 0.250 hi',
      '#2 ERROR: executor failed running [/bin/sh -c echo hi]: exit code: 1',
      '------',
      ' > [2/3] RUN echo hi:',
      '------',
    ]);
  });
});
