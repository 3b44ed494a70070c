/** What the container commands share: finding containers by name, per-container errors, output splitting. */
import { settleContainers } from '../../engine/container/lifecycle.js';
import type { ContainerRecord } from '../../engine/container/types.js';
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import type { CliIO } from '../types.js';

/** A 12-character short ID. */

/** The daemon's "No such container" for a name. */
export const noSuchContainer = (n: string) => `Error response from daemon: No such container: ${n}`;

/** Lets time pass for the containers (restart delays) before a command looks at them. */
export function settle(engine: Engine): void {
  settleContainers(engine);
}

/** A container by name or ID, or the daemon's error. */
export function mustFind(engine: Engine, ref: string, missing = noSuchContainer): ContainerRecord {
  const c = engine.findContainer(ref);
  if (!c) throw new DockerError(missing(ref));
  return c;
}

/**
 * Runs `fn` for each named container; prints each failure as docker does and
 * returns 1 if any failed (`missing` words the error for an unknown name).
 */
export function eachContainer(engine: Engine, io: CliIO, names: string[], fn: (c: ContainerRecord, name: string) => void, missing = noSuchContainer): { code: number; failed: string[] } {
  settle(engine);
  const failed: string[] = [];
  for (const n of names) {
    const c = engine.findContainer(n);
    if (!c) {
      io.stderr(missing(n));
      failed.push(n);
      continue;
    }
    try {
      fn(c, n);
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      for (const l of e.message.split('\n')) io.stderr(l);
      failed.push(n);
    }
  }
  return { code: failed.length > 0 ? 1 : 0, failed };
}

/** Prints text line by line (a final newline ends the last line rather than adding an empty one). */
export function writeText(text: string, line: (l: string) => void): void {
  if (!text) return;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) line(l);
}

/** `docker: <message>.` with the `See 'docker CMD --help'.` hint when asked, as the CLI prints daemon errors of run/create. */
export function cliError(e: unknown, cmd: string, hint: boolean, exitCode?: number): never {
  if (!(e instanceof DockerError)) throw e;
  const see = hint ? `\nSee 'docker ${cmd} --help'.` : '';
  throw new DockerError(`docker: ${e.message.replace(/\.$/, '')}.${see}`, exitCode ?? e.exitCode, e.details);
}
