/** A docker CLI session over a fresh engine with oracle-base:local, for the container commands' tests. */
import type { Engine } from '../../engine/engine.js';
import { createEngine } from '../../engine/index.js';
import { preloadOracleBase } from '../../engine/oracle-base.js';
import type { EngineEvent } from '../../shared/events.js';
import { runDocker } from '../docker.js';
import { MemoryWorkspace } from '../memory-workspace.js';
import { splitWords } from '../words.js';

export interface DockerRun {
  code: number;
  out: string[];
  err: string[];
  events: EngineEvent[];
}

export interface DockerSession {
  engine: Engine;
  ws: MemoryWorkspace;
  /** Runs one docker command line (shell quoting, without the leading `docker`). */
  docker(line: string, opts?: { stdin?: string; env?: Record<string, string> }): DockerRun;
}

/** A new engine preloaded with oracle-base:local and an empty workspace at /w. */
export function dockerSession(): DockerSession {
  const engine = createEngine();
  preloadOracleBase(engine);
  const ws = new MemoryWorkspace();
  ws.mkdirp('/w');
  ws.cwd = '/w';
  const events: EngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  return {
    engine,
    ws,
    docker(line, opts = {}) {
      const out: string[] = [];
      const err: string[] = [];
      events.length = 0;
      const code = runDocker(engine, splitWords(line), { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env: opts.env ?? {}, workspace: ws, stdin: opts.stdin });
      return { code, out, err, events: [...events] };
    },
  };
}
