/**
 * Runs an oracle scenario script against the real engine through real mode's own command
 * handlers: each line goes through the policy check and the handler a learner's session
 * would reach, with the build context sent as the browser sends it. The records have the
 * shape `npm run sim -- --json` prints, so the simulator and the engine compare line by line.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { buildContextFor } from '../../src/backends/remote-context.js';
import { nodeWorkspace } from '../../src/runner/node-workspace.js';
import { copyScenario, runScript, type ContainerState, type LineRecord, type ScriptDriver } from '../../src/runner/script.js';
import { reap } from '../docker/reaper.js';
import { busyboxRootfs, hostBusybox } from '../docker/seed.js';
import { LABEL_BASE, LABEL_INSTANCE, LABEL_SESSION, type CommandIO, type SessionScope } from '../docker/types.js';
import { checkCommand } from '../policy/command.js';
import { REAL_HANDLERS } from '../real.js';
import { freePort, startRegistry } from '../registry-process.js';

/** The base every scenario builds FROM. */
const BASE_REF = 'oracle-base:local';
/** What the scripts call the registry. */
const SCRIPT_REGISTRY = 'localhost:5000';

/** How to reach the engine and registry, and which builder the variant uses. */
export interface RealRunOptions {
  docker: Docker;
  /**
   * `host:port` of a registry to use; by default a private one is started for the variant.
   * Sharing one is unsound: the daemon remembers, per registry host, which repository each
   * layer went to, and answers "Mounted from <an earlier variant's repo>" instead of "Pushed".
   */
  registry?: string;
  builder: 'classic' | 'buildkit';
}

/** Runs a script.sh against the real engine in a fresh session with a fresh base; everything it made is removed afterwards. */
export async function runReal(scriptPath: string, opts: RealRunOptions): Promise<LineRecord[]> {
  const unlock = await lockBase();
  try {
    return await runLocked(scriptPath, opts);
  } finally {
    unlock();
  }
}

async function runLocked(scriptPath: string, opts: RealRunOptions): Promise<LineRecord[]> {
  const text = fs.readFileSync(scriptPath, 'utf8');
  const work = copyScenario(path.dirname(scriptPath), 'layerlab-parity-');
  const nonce = randomBytes(6).toString('hex');
  const scope: SessionScope = {
    docker: opts.docker,
    sessionId: `parity-${nonce}`,
    instanceId: `parity-${nonce}`,
    labels: { [LABEL_SESSION]: `parity-${nonce}`, [LABEL_INSTANCE]: `parity-${nonce}` },
    registry: null,
    buildSteps: new Set(),
  };
  // only scenarios that name the registry pay for starting one
  const own = !opts.registry && text.includes(SCRIPT_REGISTRY) ? await startRegistry({ addr: `127.0.0.1:${await freePort()}` }) : null;
  scope.registry = opts.registry ?? own?.url.replace(/^https?:\/\//, '') ?? null;
  const restoreBase = await freshBase(opts.docker, nonce);
  try {
    return await runScript(text, work, realDriver(scope, work, opts.builder));
  } finally {
    await reap(opts.docker, { session: scope.sessionId }).catch(() => undefined);
    await restoreBase();
    await own?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const LOCK = path.join(os.tmpdir(), 'layerlab-parity.lock');

/**
 * Waits until no other parity run (in any process) holds `oracle-base:local`: two runs would
 * swap the tag under each other's builds and remove each other's base. Returns the release.
 */
async function lockBase(): Promise<() => void> {
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(LOCK, { force: true });
    } catch {
      // a holder that died (killed test run) leaves the file: take it over
      let holder: number;
      try {
        holder = Number(fs.readFileSync(LOCK, 'utf8').trim() || 0);
      } catch {
        continue; // released meanwhile
      }
      if (!holder || !alive(holder)) fs.rmSync(LOCK, { force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function realDriver(scope: SessionScope, work: string, builder: 'classic' | 'buildkit'): ScriptDriver {
  const ws = nodeWorkspace(work);
  const env = { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' };
  // the script says localhost:5000; the engine gets the variant's registry, the records say localhost:5000 again
  const registry = scope.registry ?? SCRIPT_REGISTRY;
  const unrewrite = (s: string) => s.split(registry).join(SCRIPT_REGISTRY);
  return {
    rewrite: (line) => line.split(SCRIPT_REGISTRY).join(registry),
    async docker(argv, sink) {
      const stdout = (l: string) => sink.stdout(unrewrite(l));
      const stderr = (l: string) => sink.stderr(unrewrite(l));
      // what the browser does before sending a build: find the context, apply .dockerignore
      const ctx = buildContextFor(ws, argv);
      if (ctx && 'error' in ctx) {
        stderr(ctx.error);
        return 1;
      }
      // then what the session does: the policy, then the handler with the canonical argv
      const checked = checkCommand(ctx?.argv ?? argv);
      if (!checked.ok) {
        for (const l of checked.message.split('\n')) stderr(l);
        return checked.exitCode;
      }
      const handler = REAL_HANDLERS.get(checked.command);
      if (!handler) {
        stderr(`layerlab: real mode does not offer 'docker ${checked.command}' yet`);
        return 1;
      }
      const io: CommandIO = {
        stdout,
        stderr,
        event: (e) => sink.event(JSON.parse(unrewrite(JSON.stringify(e))) as typeof e),
        signal: new AbortController().signal,
        env,
        ...(ctx ? { context: ctx.context } : {}),
      };
      return handler(scope, checked.argv, io);
    },
    containers: () => sessionContainers(scope),
    sleep: (seconds) => new Promise((r) => setTimeout(r, seconds * 1000)),
  };
}

/** The session's containers: name, state, and the exit code `docker ps` shows in its status. */
async function sessionContainers(scope: SessionScope): Promise<ContainerState[]> {
  const list = await scope.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_SESSION}=${scope.sessionId}`] }) });
  return list
    .map((c) => ({ name: (c.Names[0] ?? '').replace(/^\//, ''), state: c.State, exitCode: Number(/^Exited \((-?\d+)\)/.exec(c.Status)?.[1] ?? 0) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * Imports a new `oracle-base:local` whose layer holds a nonce (as the oracle's runner does),
 * so no cache entry, classic cache image or registry blob of another run can match; returns
 * a function that removes it and puts the tag back on the image it replaced.
 */
export async function freshBase(docker: Docker, nonce: string): Promise<() => Promise<void>> {
  const previous = await docker
    .getImage(BASE_REF)
    .inspect()
    .then((i) => i.Id)
    .catch(() => null);
  const tar = await withFile(await busyboxRootfs(hostBusybox()), 'etc/oracle-nonce', `${nonce}${randomBytes(16).toString('hex')}\n`);
  const [repo, tag] = BASE_REF.split(':') as [string, string];
  // labelled as a base, as the seeded one is, so the session sees it the way learners do; no CMD, as in the oracle
  const stream = (await docker.importImage(Readable.from([tar]), { repo, tag, changes: [`LABEL ${LABEL_BASE}=1`] } as never)) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, res: { error?: string }[]) => (err ? reject(err) : res.find((r) => r.error) ? reject(new Error(res.find((r) => r.error)!.error)) : resolve())));
  const fresh = (await docker.getImage(BASE_REF).inspect()).Id;
  return async () => {
    // force: a scenario may have tagged the base under other names too (s21/alias:1)
    await docker
      .getImage(fresh)
      .remove({ force: true })
      .catch(() => undefined);
    if (previous) await docker.getImage(previous).tag({ repo, tag }).catch(() => undefined);
  };
}

/** A tarball with one more root-owned file (the rootfs packer takes no extra files). */
async function withFile(rootfs: Buffer, name: string, content: string): Promise<Buffer> {
  // tar-stream ends an archive with two zero blocks: drop them and append a one-entry archive, which ends in its own
  const end = rootfs.length - 1024;
  if (end < 0 || !rootfs.subarray(end).every((b) => b === 0)) throw new Error('the rootfs tarball does not end in two zero blocks');
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => (p.on('end', resolve), p.on('error', reject)));
  p.entry({ name, type: 'file', mode: 0o644, mtime: new Date(1_700_000_000_000), uid: 0, gid: 0 }, content);
  p.finalize();
  await done;
  return Buffer.concat([rootfs.subarray(0, end), ...chunks]);
}
