/**
 * BuildKit's progress as dockerd streams it for `POST /build?version=2`:
 * `{"id":"moby.buildkit.trace","aux":"<base64 StatusResponse>"}`. A minimal protobuf reader
 * for the fields the plain printer needs (moby/buildkit api/services/control/control.proto),
 * and a printer that writes what `docker build --progress=plain` writes (buildkit 0.8, the one
 * in docker 20.10: util/progress/progressui/printer.go).
 */
import { progressBytes } from '../../src/engine/build/progress.js';

/** A build graph node: `[2/3] RUN ...`, `[internal] load metadata ...`. */
export interface TraceVertex {
  digest: string;
  inputs: string[];
  name: string;
  cached: boolean;
  /** Milliseconds since the epoch (fractional), when set. */
  started?: number;
  completed?: number;
  error: string;
}

/** A named progress counter of a vertex (`transferring context:`, `writing image sha256:...`). */
export interface TraceStatus {
  id: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  timestamp?: number;
  started?: number;
  completed?: number;
}

/** Output of a vertex's process (a RUN's stdout or stderr). */
export interface TraceLog {
  vertex: string;
  stream: number;
  msg: Uint8Array;
  timestamp?: number;
}

/** One StatusResponse. */
export interface SolveStatus {
  vertexes: TraceVertex[];
  statuses: TraceStatus[];
  logs: TraceLog[];
}

/** Reads protobuf wire format: only varints and length-delimited fields occur here. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    // int64 counters stay far below 2^53, so plain arithmetic (not bit ops) is exact enough
    let result = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  }
  bytes(): Uint8Array {
    const n = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos += this.varint();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  /** Calls `field` per (number, wire type); `field` returns false for fields it does not read. */
  fields(field: (no: number, wire: number) => boolean): void {
    while (!this.done) {
      const key = this.varint();
      const no = Math.floor(key / 8);
      const wire = key & 7;
      if (!field(no, wire)) this.skip(wire);
    }
  }
}

const utf8 = new TextDecoder();
const str = (r: Reader) => utf8.decode(r.bytes());

/** google.protobuf.Timestamp {seconds = 1, nanos = 2} as fractional milliseconds. */
function timestamp(r: Reader): number {
  const t = new Reader(r.bytes());
  let seconds = 0;
  let nanos = 0;
  t.fields((no, wire) => {
    if (no === 1 && wire === 0) seconds = t.varint();
    else if (no === 2 && wire === 0) nanos = t.varint();
    else return false;
    return true;
  });
  return seconds * 1000 + nanos / 1e6;
}

function vertex(r: Reader): TraceVertex {
  const v: TraceVertex = { digest: '', inputs: [], name: '', cached: false, error: '' };
  const m = new Reader(r.bytes());
  m.fields((no, wire) => {
    if (no === 1 && wire === 2) v.digest = str(m);
    else if (no === 2 && wire === 2) v.inputs.push(str(m));
    else if (no === 3 && wire === 2) v.name = str(m);
    else if (no === 4 && wire === 0) v.cached = m.varint() !== 0;
    else if (no === 5 && wire === 2) v.started = timestamp(m);
    else if (no === 6 && wire === 2) v.completed = timestamp(m);
    else if (no === 7 && wire === 2) v.error = str(m);
    else return false;
    return true;
  });
  return v;
}

function status(r: Reader): TraceStatus {
  const s: TraceStatus = { id: '', vertex: '', name: '', current: 0, total: 0 };
  const m = new Reader(r.bytes());
  m.fields((no, wire) => {
    if (no === 1 && wire === 2) s.id = str(m);
    else if (no === 2 && wire === 2) s.vertex = str(m);
    else if (no === 3 && wire === 2) s.name = str(m);
    else if (no === 4 && wire === 0) s.current = m.varint();
    else if (no === 5 && wire === 0) s.total = m.varint();
    else if (no === 6 && wire === 2) s.timestamp = timestamp(m);
    else if (no === 7 && wire === 2) s.started = timestamp(m);
    else if (no === 8 && wire === 2) s.completed = timestamp(m);
    else return false;
    return true;
  });
  return s;
}

function log(r: Reader): TraceLog {
  const l: TraceLog = { vertex: '', stream: 0, msg: new Uint8Array() };
  const m = new Reader(r.bytes());
  m.fields((no, wire) => {
    if (no === 1 && wire === 2) l.vertex = str(m);
    else if (no === 2 && wire === 2) l.timestamp = timestamp(m);
    else if (no === 3 && wire === 0) l.stream = m.varint();
    else if (no === 4 && wire === 2) l.msg = m.bytes().slice();
    else return false;
    return true;
  });
  return l;
}

/** Decodes one `moby.buildkit.trace` aux payload (base64 of a StatusResponse). */
export function decodeTrace(aux: string): SolveStatus {
  const r = new Reader(Buffer.from(aux, 'base64'));
  const out: SolveStatus = { vertexes: [], statuses: [], logs: [] };
  r.fields((no, wire) => {
    if (wire !== 2) return false;
    if (no === 1) out.vertexes.push(vertex(r));
    else if (no === 2) out.statuses.push(status(r));
    else if (no === 3) out.logs.push(log(r));
    else return false;
    return true;
  });
  return out;
}

interface VertexState {
  v: TraceVertex;
  index: number;
  statuses: TraceStatus[];
  statusUpdates: Set<string>;
  logs: string[];
  logsPartial: boolean;
  /** The final line (DONE, CACHED, ERROR) was printed: later repeats of the vertex are noise. */
  finished: boolean;
}

/**
 * The plain printer: vertices numbered in the order BuildKit first mentions them, completed
 * vertices flushed first (by completion time), then the one that is running. BuildKit's
 * scheduler between several running vertices (speed shares, anti-flicker) is left out: it only
 * matters for parallel stages, and then the lowest-numbered running vertex is shown.
 */
export class PlainPrinter {
  private readonly byDigest = new Map<string, VertexState>();
  /** Vertices in the order they started (the error summary's order). */
  private readonly startedOrder: VertexState[] = [];
  private readonly updates = new Set<string>();
  private current = '';
  private notFirst = false;

  constructor(private readonly write: (line: string) => void) {}

  /** Every vertex seen so far, in `#N` order. */
  get vertices(): TraceVertex[] {
    return [...this.byDigest.values()].sort((a, b) => a.index - b.index).map((s) => s.v);
  }

  /** Applies one StatusResponse; `flush` prints what changed. */
  update(s: SolveStatus): void {
    for (const v of s.vertexes) {
      let st = this.byDigest.get(v.digest);
      const prev = st?.v;
      if (!st) {
        st = { v, index: this.byDigest.size + 1, statuses: [], statusUpdates: new Set(), logs: [], logsPartial: false, finished: false };
        this.byDigest.set(v.digest, st);
      }
      const changed = prev === undefined || prev.started === undefined || vertexChanged(prev, v);
      if (v.started !== undefined && changed && !(st.finished && v.error === prev?.error)) this.updates.add(v.digest);
      if (v.started !== undefined && (prev === undefined || prev.started === undefined) && !this.startedOrder.includes(st)) this.startedOrder.push(st);
      // a repeated initial vertex (not started) must not reset one that already started
      if (!(prev?.started !== undefined && v.started === undefined)) st.v = v;
    }
    for (const s2 of s.statuses) {
      const st = this.byDigest.get(s2.vertex);
      if (!st) continue;
      const i = st.statuses.findIndex((x) => x.id === s2.id);
      if (i >= 0) st.statuses[i] = s2;
      else if (s2.started !== undefined) st.statuses.push(s2);
      st.statusUpdates.add(s2.id);
      this.updates.add(s2.vertex);
    }
    for (const l of s.logs) {
      const st = this.byDigest.get(l.vertex);
      if (!st) continue;
      const sec = st.v.started !== undefined && l.timestamp !== undefined ? (l.timestamp - st.v.started) / 1000 : 0;
      const prec = sec < 10 ? 3 : sec < 100 ? 2 : 1;
      const parts = utf8.decode(l.msg).split('\n');
      const complete = parts[parts.length - 1] === '';
      if (complete) parts.pop();
      parts.forEach((p, k) => {
        if (k === 0 && st.logsPartial && st.logs.length) st.logs[st.logs.length - 1] += p;
        else st.logs.push(`#${st.index} ${sec.toFixed(prec)} ${p}`);
      });
      st.logsPartial = !complete;
      this.updates.add(l.vertex);
    }
  }

  /** Prints what changed since the last flush, as the CLI does on each display tick. */
  flush(): void {
    this.print();
  }

  /** The box the CLI prints after a failed build: each failed vertex's name. */
  errorSummary(): void {
    for (const st of this.startedOrder) {
      if (!st.v.error || st.v.error.endsWith('context canceled')) continue;
      this.write('------');
      this.write(` > ${st.v.name}:`);
      for (const l of st.logs) this.write(l);
      this.write('------');
    }
  }

  private print(): void {
    const completed: VertexState[] = [];
    const rest: VertexState[] = [];
    for (const d of this.updates) {
      const st = this.byDigest.get(d);
      if (!st) continue;
      (st.v.completed !== undefined ? completed : rest).push(st);
    }
    const current = this.current;
    if (completed.some((st) => st.v.digest === current)) this.printVtx(this.byDigest.get(current)!);
    completed.sort((a, b) => a.v.completed! - b.v.completed!);
    for (const st of completed) if (st.v.digest !== current) this.printVtx(st);
    const open = (st: VertexState | undefined) => st !== undefined && st.v.started !== undefined && st.v.completed === undefined;
    if (!rest.length) {
      if (open(this.byDigest.get(this.current))) return;
      const any = [...this.byDigest.values()].sort((a, b) => a.index - b.index).find((st) => open(st) && this.updates.has(st.v.digest));
      if (any) this.printVtx(any);
      return;
    }
    const cur = rest.find((st) => st.v.digest === this.current);
    if (cur) this.printVtx(cur);
    else this.printVtx(rest.sort((a, b) => a.index - b.index)[0]!);
  }

  private printVtx(st: VertexState): void {
    const n = `#${st.index}`;
    const v = st.v;
    if (v.digest !== this.current) {
      if (this.current) {
        const old = this.byDigest.get(this.current)!;
        if (old.logsPartial) this.write('');
        this.write(`#${old.index} ...`);
      }
      if (this.notFirst) this.write('');
      this.notFirst = true;
      this.write(`${n} ${v.name}`);
      this.write(`${n} ${v.digest}`);
    }
    for (const s of st.statuses) {
      if (!st.statusUpdates.has(s.id)) continue;
      let bytes = '';
      if (s.total !== 0) bytes = ` ${progressBytes(s.current)} / ${progressBytes(s.total)}`;
      else if (s.current !== 0) bytes = ` ${progressBytes(s.current)}`;
      let tm = '';
      const end = s.completed ?? s.timestamp;
      if (s.started !== undefined && end !== undefined) {
        const diff = (end - s.started) / 1000;
        if (diff > 0.01) tm = ` ${diff.toFixed(1)}s`;
      }
      if (s.completed !== undefined) tm += ' done';
      this.write(`${n} ${s.id}${bytes}${tm}`);
    }
    st.statusUpdates.clear();
    // a partial last line stays buffered until its newline arrives
    const keep = st.logsPartial ? st.logs.pop() : undefined;
    for (const l of st.logs) this.write(l);
    st.logs = keep !== undefined ? [keep] : [];
    this.current = v.digest;
    if (v.completed !== undefined) {
      this.current = '';
      st.finished = true;
      if (keep !== undefined) {
        this.write(keep);
        st.logs = [];
        st.logsPartial = false;
      }
      if (v.error) this.write(v.error.endsWith('context canceled') ? `${n} CANCELED` : `${n} ERROR: ${v.error}`);
      else if (v.cached) this.write(`${n} CACHED`);
      else this.write(`${n} DONE${v.started !== undefined ? ` ${((v.completed - v.started) / 1000).toFixed(1)}s` : ''}`);
    }
    this.updates.delete(v.digest);
  }
}

function vertexChanged(a: TraceVertex, b: TraceVertex): boolean {
  return a.name !== b.name || a.started !== b.started || (a.completed !== b.completed && b.completed !== undefined) || a.cached !== b.cached || a.error !== b.error;
}
