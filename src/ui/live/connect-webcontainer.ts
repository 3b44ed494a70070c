/**
 * Connects WebContainer as the live runtime's process host. `@webcontainer/api` is
 * imported here only, dynamically, so it is a chunk of its own that loads the first
 * time a page can use it, and boots once per page.
 *
 * WebContainer needs a cross-origin isolated page (COOP + COEP headers, see
 * docs/hosting.md) and the internet (its runtime comes from StackBlitz's servers).
 * Without either, the reason is one line the "simulated process" badge shows.
 */
import type { HostProcess, ProcessHost } from '../../backends/webcontainer/host.js';
import type { FileSystemTree } from '../../backends/webcontainer/tree.js';

/** How long the first boot may take before the page gives up and simulates. */
const BOOT_TIMEOUT_MS = 15_000;
/** Container ports are mapped into this range (see preload.ts). */
const FIRST_PORT = 41_000;

/** Why WebContainer cannot run in this page, or null when it can try. */
export function unsupportedReason(): string | null {
  if (new URLSearchParams(location.search).get('processes') === 'simulated') return 'Real processes are switched off for this page (?processes=simulated).';
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) {
    return 'This page is not cross-origin isolated (its server sends no COOP/COEP headers), which WebContainer needs.';
  }
  if (!navigator.onLine) return 'The page is offline, and WebContainer loads its runtime from the internet.';
  if (typeof WritableStream === 'undefined' || typeof Worker === 'undefined') return 'This browser lacks what WebContainer needs (workers and streams).';
  return null;
}

/** Boots WebContainer (once per page) and wraps it as a ProcessHost; rejects with a one-line reason. */
export async function connectWebContainer(): Promise<ProcessHost> {
  const why = unsupportedReason();
  if (why) throw new Error(why);
  let api: typeof import('@webcontainer/api');
  try {
    api = await import('@webcontainer/api');
  } catch {
    throw new Error('The WebContainer module could not be loaded (offline, or the page was updated: reload).');
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`WebContainer did not start within ${BOOT_TIMEOUT_MS / 1000} s (is stackblitz.com reachable from here?).`)), BOOT_TIMEOUT_MS);
  });
  let wc: import('@webcontainer/api').WebContainer;
  try {
    wc = await Promise.race([api.WebContainer.boot({ coep: 'require-corp', workdirName: 'layerlab' }), timeout]);
  } catch (e) {
    throw new Error(e instanceof Error && e.message.startsWith('WebContainer did not start') ? e.message : `WebContainer could not start: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
  }
  const urls = new Map<number, string>();
  const waiting = new Map<number, ((url: string) => void)[]>();
  const portListeners: ((port: number) => void)[] = [];
  const opened = (port: number, url: string) => {
    if (!urls.has(port)) for (const l of portListeners) l(port);
    urls.set(port, url);
    for (const w of waiting.get(port) ?? []) w(url);
    waiting.delete(port);
  };
  wc.on('port', (port, type, url) => (type === 'open' ? opened(port, url) : urls.delete(port)));
  wc.on('server-ready', opened);
  let nextPort = FIRST_PORT;
  const parent = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
  const host: ProcessHost = {
    name: 'WebContainer',
    root: wc.workdir,
    async mount(dir: string, tree: FileSystemTree) {
      await wc.fs.rm(dir, { recursive: true, force: true });
      await wc.fs.mkdir(dir, { recursive: true });
      await wc.mount(tree as import('@webcontainer/api').FileSystemTree, { mountPoint: dir });
    },
    async writeFile(path, data) {
      if (parent(path)) await wc.fs.mkdir(parent(path), { recursive: true });
      await wc.fs.writeFile(path, data);
    },
    async readFile(path) {
      try {
        return await wc.fs.readFile(path, 'utf-8');
      } catch {
        return null;
      }
    },
    async rm(path) {
      await wc.fs.rm(path, { recursive: true, force: true });
    },
    async spawn(command, args, opts): Promise<HostProcess> {
      // npm writes its cache and logs under HOME: the image's /root does not exist in WebContainer, so npm keeps its own
      const env = command === 'node' ? opts.env : Object.fromEntries(Object.entries(opts.env).filter(([k]) => k !== 'HOME'));
      const p = await wc.spawn(command, args, { cwd: opts.cwd, env, terminal: { cols: 120, rows: 40 } });
      const listeners: ((s: 'stdout' | 'stderr', t: string) => void)[] = [];
      const early: string[] = [];
      // WebContainer gives one terminal stream: stdout and stderr arrive together
      void p.output.pipeTo(
        new WritableStream({
          write(chunk) {
            if (listeners.length === 0) early.push(chunk);
            for (const l of listeners) l('stdout', chunk);
          },
        }),
      ).catch(() => {});
      return {
        onOutput(cb) {
          listeners.push(cb);
          for (const t of early.splice(0)) cb('stdout', t);
        },
        exit: p.exit,
        kill: () => p.kill(),
      };
    },
    previewUrl(port) {
      const known = urls.get(port);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiting.set(port, [...(waiting.get(port) ?? []), resolve]));
    },
    onPortOpen(cb) {
      portListeners.push(cb);
    },
    async freePort() {
      return nextPort++;
    },
  };
  return host;
}
