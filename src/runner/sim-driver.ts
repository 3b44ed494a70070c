/**
 * The simulator as a script driver (./script.ts): a fresh engine holding only
 * `oracle-base:local`, the docker CLI run in-process, the workspace on disk.
 */
import { runDocker } from '../cli/docker.js';
import { createEngine } from '../engine/index.js';
import { preloadOracleBase } from '../engine/oracle-base.js';
import { nodeWorkspace } from './node-workspace.js';
import type { ContainerState, ScriptDriver } from './script.js';

/** A driver over a fresh simulated engine, with `work` as the working directory. */
export function simDriver(work: string, builder: 'classic' | 'buildkit'): ScriptDriver {
  const engine = createEngine({ seed: 42 });
  preloadOracleBase(engine);
  const workspace = nodeWorkspace(work);
  const env = { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' };
  return {
    docker(argv, sink) {
      // the engine's events are global: attach for this command only
      const off = engine.onEvent((e) => sink.event(e));
      try {
        return runDocker(engine, argv, { stdout: sink.stdout, stderr: sink.stderr, env, workspace });
      } finally {
        off();
      }
    },
    containers(): ContainerState[] {
      return [...engine.containers.values()].map((c) => ({ name: c.name, state: c.state.status, exitCode: c.state.exitCode })).sort((a, b) => (a.name < b.name ? -1 : 1));
    },
  };
}
