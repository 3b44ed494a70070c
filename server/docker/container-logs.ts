/** `docker logs` on the real engine, including `-f`, which follows until the container stops or Ctrl-C. */
import type { Duplex } from 'node:stream';
import { logs as simLogs } from '../../src/cli/commands/container-logs.js';
import { DockerError } from '../../src/engine/errors.js';
import { parseRfc3339 } from '../../src/cli/format/time.js';
import { aborted } from './container-attach.js';
import { Demuxer, INTERRUPTED, lineSinks, mustFindContainer, noSuchContainerCli, realCommand, streamDone } from './container-common.js';

/** A `--since`/`--until` value as the Unix seconds the API takes (the CLI's GetTimestamp): a timestamp, an RFC 3339 time, or a duration back from now. */
export function apiTimestamp(flag: string, v: string, nowSec = Date.now() / 1000): string {
  if (/^\d+(\.\d+)?$/.test(v)) return v;
  const d = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(v);
  if (d) return (nowSec - Number(d[1]) * { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[d[2] as 's']).toFixed(9);
  try {
    const t = parseRfc3339(v);
    return `${t.sec}.${String(t.nanos).padStart(9, '0')}`;
  } catch {
    throw new DockerError(`invalid value for "${flag}": failed to parse value as time or duration: "${v}"`);
  }
}

/** `docker logs [-f] [-t] [--tail N] [--since T] [--until T] CONTAINER`. */
export const logs = realCommand(simLogs.spec, async (scope, f, io) => {
  const info = await mustFindContainer(scope, f.args[0]!, noSuchContainerCli);
  const c = scope.docker.getContainer(info.Id);
  const tty = (await c.inspect()).Config.Tty;
  const since = f.string('since');
  const until = f.string('until');
  const tail = f.string('tail') ?? 'all';
  const opts = {
    stdout: true,
    stderr: true,
    timestamps: f.bool('timestamps'),
    details: f.bool('details'),
    ...(/^\d+$/.test(tail) ? { tail: Number(tail) } : {}),
    ...(since !== undefined ? { since: apiTimestamp('since', since) } : {}),
    ...(until !== undefined ? { until: apiTimestamp('until', until) } : {}),
  };
  const sinks = lineSinks(io, tty);
  // a TTY container's log is one raw stream; otherwise it comes multiplexed
  const demux = new Demuxer((kind, data) => sinks.write(kind, data));
  const feed = (chunk: Buffer) => (tty ? sinks.write('stdout', chunk) : demux.write(chunk));
  if (!f.bool('follow')) {
    const data = (await c.logs({ ...opts, follow: false })) as unknown as Buffer;
    feed(Buffer.isBuffer(data) ? data : Buffer.from(String(data)));
    sinks.end();
    return 0;
  }
  const stream = (await c.logs({ ...opts, follow: true })) as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => feed(chunk));
  const outcome = await Promise.race([streamDone(stream), aborted(io.signal)]);
  if (outcome === 'aborted') (stream as unknown as Duplex).destroy?.();
  sinks.end();
  return outcome === 'aborted' ? INTERRUPTED : 0;
});
