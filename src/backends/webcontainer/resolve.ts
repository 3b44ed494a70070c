/**
 * The command a container runs, for the WebContainer runner. Docker's rules
 * (run arguments replace CMD, `--entrypoint` replaces ENTRYPOINT and clears
 * CMD, shell forms stored as `/bin/sh -c "..."` by the builder) already live in
 * the engine; this module only re-exports them so the runner and the simulator
 * can never disagree about what PID 1 is.
 */
import type { ContainerRecord } from '../../engine/container/types.js';

export { resolveCommand } from '../../engine/container/lifecycle.js';

/** The argv a created container runs: the program and arguments the engine resolved at create time. */
export function containerArgv(c: Pick<ContainerRecord, 'path' | 'args'>): string[] {
  return [c.path, ...c.args];
}
