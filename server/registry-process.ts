/**
 * The local registry real mode pushes to: Debian's `docker-registry` (CNCF distribution) run
 * with a minimal config on 127.0.0.1. An already running registry at the address is reused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A registry the server can push to. */
export interface RunningRegistry {
  /** `http://127.0.0.1:5000` */
  url: string;
  /** Stops the process this call started (a reused registry is left alone). */
  stop(): Promise<void>;
}

/** Where Debian installs the binary, then every PATH entry. */
const CANDIDATES = ['/usr/bin/docker-registry'];

/** The `docker-registry` binary, or null when it is not installed. */
export function findRegistryBinary(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const p of [...CANDIDATES, ...dirs.map((d) => join(d, 'docker-registry')), ...dirs.map((d) => join(d, 'registry'))]) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** true when a registry answers GET /v2/ at addr (200, or 401 from one that wants a login). */
async function answers(addr: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${addr}/v2/`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status === 200 || res.status === 401;
  } catch {
    return false;
  }
}

function configYaml(addr: string, dataDir: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(dataDir)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${addr}`,
    '',
  ].join('\n');
}

/** Starts `docker-registry serve` (or reuses one already at addr) and waits until /v2/ answers. */
export async function startRegistry(opts: { addr?: string; dataDir?: string; bin?: string } = {}): Promise<RunningRegistry> {
  const addr = opts.addr ?? '127.0.0.1:5000';
  const url = `http://${addr}`;
  if (await answers(addr)) return { url, stop: async () => {} };
  const bin = opts.bin ?? findRegistryBinary();
  if (!bin) throw new Error('docker-registry is not installed (Debian: apt-get install docker-registry)');
  const dir = await mkdtemp(join(tmpdir(), 'layerlab-registry-'));
  const dataDir = opts.dataDir ?? join(dir, 'data');
  const config = join(dir, 'config.yml');
  await writeFile(config, configYaml(addr, dataDir));
  const child: ChildProcess = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    // keep the tail only: enough to say why it did not start
    stderr = (stderr + c.toString()).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));
  const cleanup = async () => {
    if (running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await answers(addr))) {
    if (!running || Date.now() > deadline) {
      await cleanup();
      throw new Error(`docker-registry did not start at ${addr}: ${stderr.trim() || 'no answer on /v2/'}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: cleanup };
}

/** A TCP port nothing listens on now on 127.0.0.1 (for a private registry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
