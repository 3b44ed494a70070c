/** `npm run images:seed [-- --force]`: makes the local base images real mode uses (no internet needed). */
import Docker from 'dockerode';
import { listBaseImages, seedImages } from './docker/seed.js';

const docker = new Docker();
try {
  await docker.ping();
} catch (e) {
  console.error(`images:seed: no Docker engine answers (${(e as Error).message}). Start dockerd or set DOCKER_HOST.`);
  process.exit(1);
}
const made = await seedImages(docker, { force: process.argv.includes('--force') });
console.log(made.length ? `Created ${made.join(', ')}` : 'The base images were already there');
console.log(`Base images for real mode: ${(await listBaseImages(docker)).join(', ')}`);
