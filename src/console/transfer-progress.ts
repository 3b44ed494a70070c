/**
 * `docker pull` and `docker push` on a terminal: one line per layer, redrawn in place
 * as the bytes move, the way the docker CLI draws the daemon's JSON progress stream.
 *
 * The engine computes a transfer at once (what moves, what is reused); this module turns
 * its plain output and the layer sizes into a timeline at the engine's link speed, so the
 * learner sees how long the bytes take, and can press Ctrl-C half-way.
 */
import { humanSize4 } from '../shared/format/units.js';

export type TransferKind = 'pull' | 'push';

/** One layer line: `ID: STATUS`. */
export interface TransferLayer {
  /** The 12-character ID docker prints. */
  id: string;
  /** Bytes this layer moves over the link (0 when it is reused). */
  bytes: number;
  /** The status the plain output ended on ("Pull complete", "Already exists", "Pushed", "Mounted from x"...). */
  final: string;
}

export interface TransferPlan {
  kind: TransferKind;
  /** Lines before the layer lines ("latest: Pulling from library/node"). */
  header: string[];
  layers: TransferLayer[];
  /** Lines after them (digest, status, reference). */
  trailer: string[];
  linkBytesPerSecond: number;
}

/** When each layer moves, in ms from the start. */
export interface LayerTiming {
  start: number;
  /** Bytes are all there. */
  end: number;
  /** Pull only: extraction into the image store, after the download, one layer at a time. */
  extractStart: number;
  extractEnd: number;
}

/** dockerd's defaults: --max-concurrent-downloads 3, --max-concurrent-uploads 5. */
export const CONCURRENCY: Record<TransferKind, number> = { pull: 3, push: 5 };

/** Unpacking is local disk work: a few times faster than the default link. */
const EXTRACT_BYTES_PER_SECOND = 60_000_000;
/** A reused layer still costs a round trip to the registry before its line settles. */
const CHECK_MS = 60;

const LAYER_LINE = /^([0-9a-f]{12}): (.*)$/;

/**
 * Reads the plain (non-TTY) output of a pull or push: header lines, each layer's last status,
 * trailer lines. `sizes` gives the bytes of each layer that moves, by its 12-character ID.
 */
export function planTransfer(kind: TransferKind, lines: readonly string[], sizes: ReadonlyMap<string, number>, linkBytesPerSecond: number): TransferPlan {
  const header: string[] = [];
  const trailer: string[] = [];
  const layers = new Map<string, TransferLayer>();
  for (const line of lines) {
    const m = LAYER_LINE.exec(line);
    if (m) {
      const id = m[1]!;
      const layer = layers.get(id) ?? { id, bytes: 0, final: '' };
      layer.final = m[2]!;
      layers.set(id, layer);
      // a status after the first trailer line would be a new section; docker never does that
      trailer.length = 0;
    } else if (layers.size === 0) header.push(line);
    else trailer.push(line);
  }
  for (const layer of layers.values()) layer.bytes = moves(kind, layer.final) ? (sizes.get(layer.id) ?? 0) : 0;
  return { kind, header, layers: [...layers.values()], trailer, linkBytesPerSecond };
}

function moves(kind: TransferKind, final: string): boolean {
  return kind === 'pull' ? final === 'Pull complete' : final === 'Pushed';
}

/**
 * The timeline: up to CONCURRENCY layers move at once and share the link equally (a layer
 * that finishes hands its share to the others); a pull then extracts layers in order.
 */
export function schedule(plan: TransferPlan): LayerTiming[] {
  const n = plan.layers.length;
  const timing: LayerTiming[] = plan.layers.map(() => ({ start: 0, end: CHECK_MS, extractStart: CHECK_MS, extractEnd: CHECK_MS }));
  const queue = plan.layers.map((l, i) => i).filter((i) => plan.layers[i]!.bytes > 0);
  const left = plan.layers.map((l) => l.bytes);
  const active: number[] = [];
  const rate = plan.linkBytesPerSecond / 1000; // bytes per ms
  let now = 0;
  while (queue.length || active.length) {
    while (active.length < CONCURRENCY[plan.kind] && queue.length) {
      const i = queue.shift()!;
      timing[i]!.start = now;
      active.push(i);
    }
    const share = rate / active.length;
    // advance to the next layer that finishes
    const next = Math.min(...active.map((i) => left[i]! / share));
    now += next;
    for (const i of [...active]) {
      left[i] = left[i]! - share * next;
      if (left[i]! <= 1e-6) {
        timing[i]!.end = now;
        active.splice(active.indexOf(i), 1);
      }
    }
  }
  if (plan.kind === 'pull') {
    let free = 0;
    for (let i = 0; i < n; i++) {
      const t = timing[i]!;
      if (plan.layers[i]!.bytes === 0) continue;
      t.extractStart = Math.max(t.end, free);
      t.extractEnd = t.extractStart + (plan.layers[i]!.bytes / EXTRACT_BYTES_PER_SECOND) * 1000;
      free = t.extractEnd;
    }
  }
  return timing;
}

/** How long the whole transfer takes on screen, in ms. */
export function duration(timing: readonly LayerTiming[]): number {
  return timing.reduce((m, t) => Math.max(m, t.end, t.extractEnd), 0);
}

/**
 * The docker CLI's progress text (jsonmessage.JSONProgress.String): a 50-column bar when the
 * terminal is wider than 110 columns, then `current/total` in go-units sizes.
 */
export function progressText(current: number, total: number, columns: number): string {
  let bar = '';
  if (columns > 110) {
    const filled = Math.min(50, Math.trunc(Math.trunc((current / total) * 100) / 2));
    bar = `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, 50 - filled))}] `;
  }
  const numbers = current > total ? humanSize4(current).padStart(8) : `${humanSize4(current).padStart(8)}/${humanSize4(total)}`;
  return bar + numbers;
}

/** Each layer's line at `t` ms. */
export function linesAt(plan: TransferPlan, timing: readonly LayerTiming[], t: number, columns: number): string[] {
  return plan.layers.map((layer, i) => {
    const tm = timing[i]!;
    const line = (status: string, progress = '') => `${layer.id}: ${status}${progress ? ' ' + progress : ''}`;
    if (layer.bytes === 0) return line(t >= tm.end ? layer.final : plan.kind === 'pull' ? 'Pulling fs layer' : 'Preparing');
    if (t < tm.start || t === 0) return line(t === 0 ? (plan.kind === 'pull' ? 'Pulling fs layer' : 'Preparing') : 'Waiting');
    if (t < tm.end) {
      const done = Math.round((layer.bytes * (t - tm.start)) / (tm.end - tm.start));
      return line(plan.kind === 'pull' ? 'Downloading' : 'Pushing', progressText(done, layer.bytes, columns));
    }
    if (plan.kind === 'push') return line(layer.final);
    if (t < tm.extractStart) return line('Download complete');
    if (t < tm.extractEnd) {
      const done = Math.round((layer.bytes * (t - tm.extractStart)) / (tm.extractEnd - tm.extractStart));
      return line('Extracting', progressText(done, layer.bytes, columns));
    }
    return line(layer.final);
  });
}

/** A terminal that understands cursor movement. */
export interface Tty {
  columns: number;
  write(raw: string): void;
  /** Rows of the terminal (real mode's `exec -it` sizes the container's TTY with it). */
  rows?: number;
  /**
   * Real mode's interactive commands (`exec -it`): every key goes to `cb` as typed (Ctrl-C
   * included) until the returned function is called. Absent where the console cannot.
   */
  takeInput?(cb: (data: string) => void): () => void;
}

/** Frames per second of the redraw. */
const FPS = 10;

/**
 * Draws the header and the layer lines on `tty` in real time; the caller prints the trailer
 * (as plain output, so a screen reader hears the result). Resolves true when it finished,
 * false when `signal` aborted it (the lines drawn so far stay on screen, as in a terminal).
 * `sleep` is injectable so tests run the timeline without waiting.
 */
export async function playTransfer(
  plan: TransferPlan,
  tty: Tty,
  signal?: AbortSignal,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  const timing = schedule(plan);
  const total = duration(timing);
  const fit = (s: string) => (s.length >= tty.columns ? s.slice(0, Math.max(0, tty.columns - 1)) : s);
  for (const h of plan.header) tty.write(h + '\r\n');
  const draw = (t: number, first: boolean) => {
    const lines = linesAt(plan, timing, t, tty.columns);
    let out = first || lines.length === 0 ? '' : `\x1b[${lines.length}A`;
    for (const l of lines) out += `\x1b[2K${fit(l)}\r\n`;
    tty.write(out);
  };
  draw(0, true);
  let t = 0;
  while (t < total) {
    if (signal?.aborted) return false;
    const step = Math.min(1000 / FPS, total - t);
    await sleep(step);
    if (signal?.aborted) return false;
    t += step;
    draw(t, false);
  }
  return true;
}
