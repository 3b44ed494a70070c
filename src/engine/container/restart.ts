/**
 * Restart policies, as the daemon's restart manager applies them when PID 1
 * exits: `always` and `unless-stopped` restart whatever the code,
 * `on-failure[:N]` only after a non-zero code (at most N times). Each restart
 * waits a backoff that starts at 100 ms and doubles (at most a minute); a run
 * of 10 seconds or more resets it. The container is `restarting` meanwhile,
 * and RestartCount counts the restarts since the last `docker start`.
 * `docker stop` and `docker kill` (KILL or the stop signal) cancel it.
 *
 * The simulator restarts lazily: when a command looks at containers after the
 * restart time has passed on the engine clock (`settleContainers`).
 */
import type { ContainerRecord } from './types.js';

const INITIAL_DELAY = 0.1;
const MAX_DELAY = 60;
const RESET_AFTER = 10;

/** A manual `docker start`/`restart` gives the container a fresh restart manager. */
export function resetRestartManager(c: ContainerRecord): void {
  c.restart = { delay: 0, count: 0 };
  c.restartCount = 0;
}

/**
 * Decides whether an exit restarts the container; when it does, counts the
 * restart and schedules it. `ranFor` is how long the process ran, in seconds.
 */
export function applyExitPolicy(c: ContainerRecord, code: number, ranFor: number, at: number): boolean {
  const policy = c.host?.restartPolicy;
  if (!policy || policy.Name === 'no' || policy.Name === '') return false;
  const rm = (c.restart ??= { delay: 0, count: 0 });
  if (ranFor >= RESET_AFTER) rm.delay = 0;
  rm.delay = rm.delay === 0 ? INITIAL_DELAY : Math.min(rm.delay * 2, MAX_DELAY);
  let restart = false;
  if (policy.Name === 'always') restart = true;
  else if (policy.Name === 'unless-stopped') restart = !c.manuallyStopped;
  else if (policy.Name === 'on-failure') {
    const max = policy.MaximumRetryCount;
    restart = code !== 0 && (max === 0 || rm.count < max);
  }
  if (!restart) return false;
  rm.count++;
  c.restartCount = (c.restartCount ?? 0) + 1;
  rm.at = at + rm.delay;
  return true;
}
