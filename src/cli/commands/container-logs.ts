/** `docker logs`: what the container's PID 1 wrote, with `--tail`, `-t`, `--since`/`--until`; `-f` prints what is there. */
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import { parseRfc3339, rfc3339 } from '../format/time.js';
import type { DockerCommand } from '../types.js';
import { mustFind, settle } from './container-common.js';

/** Go's RFC3339NanoFixed (always nine fraction digits), as `docker logs -t` prints each line's time. */
export function rfc3339NanoFixed(sec: number, nanos: number): string {
  const carry = Math.floor(nanos / 1e9);
  return rfc3339(sec + carry).replace('Z', `.${String(nanos - carry * 1e9).padStart(9, '0')}Z`);
}

/** A `--since`/`--until` value: a Unix timestamp, an RFC 3339 time, or a duration back from now. */
function parseTime(engine: Engine, flag: string, v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const d = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(v);
  if (d) return engine.now() - Number(d[1]) * { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[d[2] as 's'];
  try {
    const t = parseRfc3339(v);
    return t.sec + t.nanos / 1e9;
  } catch {
    throw new DockerError(`invalid value for "${flag}": failed to parse value as time or duration: "${v}"`);
  }
}

export const logs: DockerCommand = {
  spec: {
    name: 'logs',
    usage: '[OPTIONS] CONTAINER',
    description: 'Fetch the logs of a container',
    aliases: ['container logs'],
    args: { exact: 1 },
    flags: [
      { name: 'details', type: 'bool', help: 'Show extra details provided to logs' },
      { name: 'follow', short: 'f', type: 'bool', help: 'Follow log output' },
      { name: 'since', type: 'string', help: 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
      { name: 'tail', short: 'n', type: 'string', help: 'Number of lines to show from the end of the logs', default: '"all"' },
      { name: 'timestamps', short: 't', type: 'bool', help: 'Show timestamps' },
      { name: 'until', type: 'string', help: 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' },
    ],
  },
  run(engine, f, io) {
    settle(engine);
    const c = mustFind(engine, f.args[0]!, (n) => `Error: No such container: ${n}`);
    const since = f.string('since') !== undefined ? parseTime(engine, 'since', f.string('since')!) : -Infinity;
    const until = f.string('until') !== undefined ? parseTime(engine, 'until', f.string('until')!) : Infinity;
    const lines: { stream: 'stdout' | 'stderr'; text: string; sec: number; nanos: number }[] = [];
    for (const entry of c.logs) {
      if (entry.time < since || entry.time > until) continue;
      const parts = entry.text.split('\n');
      if (parts[parts.length - 1] === '') parts.pop();
      const sec = Math.floor(entry.time);
      const base = Math.round((entry.time - sec) * 1e9);
      // lines written together are microseconds apart, as in a real log
      parts.forEach((text, i) => lines.push({ stream: entry.stream, text, sec, nanos: base + i * 1000 }));
    }
    const tail = f.string('tail') ?? 'all';
    const n = /^\d+$/.test(tail) ? Number(tail) : -1;
    const shown = n >= 0 ? lines.slice(Math.max(0, lines.length - n)) : lines;
    const stamp = f.bool('timestamps');
    for (const l of shown) {
      const text = stamp ? `${rfc3339NanoFixed(l.sec, l.nanos)} ${l.text}` : l.text;
      (l.stream === 'stdout' ? io.stdout : io.stderr)(text);
    }
    // a live process (WebContainer) keeps writing: the console follows it; the model's processes write nothing more
    if (f.bool('follow') && c.state.status === 'running') engine.live?.follow(c.id);
    return 0;
  },
};
