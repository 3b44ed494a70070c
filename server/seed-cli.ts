/**
 * `npm run images:seed [-- --force] [-- --lesson-bases [--pull]]`: makes the local base images
 * real mode uses (no internet needed). `--lesson-bases` also makes the images the lessons use
 * bases: those already on the engine at once, missing ones pulled first with `--pull`.
 */
import * as path from 'node:path';
import Docker from 'dockerode';
import { lessonImages } from '../src/cli/images-used.js';
import { loadCourses } from '../src/runner/lesson-files.js';
import { listBaseImages, seedImages, seedLessonBases } from './docker/seed.js';

const docker = new Docker();
try {
  await docker.ping();
} catch (e) {
  console.error(`images:seed: no Docker engine answers (${(e as Error).message}). Start dockerd or set DOCKER_HOST.`);
  process.exit(1);
}
const made = await seedImages(docker, { force: process.argv.includes('--force') });
console.log(made.length ? `Created ${made.join(', ')}` : 'The base images were already there');
if (process.argv.includes('--lesson-bases')) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'lessons');
  const refs = [...new Set(loadCourses(root).flatMap((c) => c.lessons.flatMap((l) => (l.parsed ? lessonImages(l.parsed.lesson, l.startFiles) : []))))];
  for (const r of await seedLessonBases(docker, refs, { pull: process.argv.includes('--pull') })) {
    console.log(`  ${r.ref}: ${r.outcome === 'unavailable' ? `unavailable: ${r.reason}` : r.outcome === 'was-base' ? 'already a base' : r.outcome}`);
  }
}
console.log(`Base images for real mode: ${(await listBaseImages(docker)).join(', ')}`);
