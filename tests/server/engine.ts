/**
 * The real Docker engine for server tests. `.ci/run` starts dockerd and sets
 * LAYERLAB_REQUIRE_DOCKER=1, so there a missing engine fails the suite; elsewhere (a laptop
 * without Docker) the engine tests are skipped with the reason.
 */
import Docker from 'dockerode';
import { describe } from 'vitest';
import { seedImages } from '../../server/docker/seed.js';

export const docker = new Docker();

async function probe(): Promise<string | null> {
  try {
    await docker.ping();
    await seedImages(docker);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Why the engine cannot be used, or null when it can. */
export const noEngine = await probe();
if (noEngine && process.env.LAYERLAB_REQUIRE_DOCKER === '1') throw new Error(`LAYERLAB_REQUIRE_DOCKER=1 but no Docker engine answers: ${noEngine}`);

/** `describe` for tests that need the real engine: skipped, saying why, when there is none. */
export const describeEngine: typeof describe = (noEngine ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: no Docker engine: ${noEngine})`, fn) : describe) as typeof describe;
