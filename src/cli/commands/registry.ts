/** `docker push`, `docker pull`, `docker login`, `docker logout` against the simulated registries. */
import { DockerError } from '../../engine/errors.js';
import { parseReference } from '../../engine/image/reference.js';
import { pullImage, pushImage } from '../../engine/registry/transfer.js';
import type { DockerCommand } from '../types.js';

function checkRef(ref: string): void {
  try {
    parseReference(ref);
  } catch (e) {
    throw new DockerError(`${(e as Error).message}`, 1);
  }
}

export const push: DockerCommand = {
  spec: { name: 'push', usage: '[OPTIONS] NAME[:TAG]', description: 'Push an image or a repository to a registry', aliases: ['image push'], args: { exact: 1 }, flags: [{ name: 'all-tags', short: 'a', type: 'bool', help: 'Push all tagged images in the repository' }, { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress verbose output' }] },
  run(engine, f, io) {
    checkRef(f.args[0]!);
    return pushImage(engine, f.args[0]!, f.bool('quiet') ? () => {} : (l) => io.stdout(l));
  },
};

export const pull: DockerCommand = {
  spec: { name: 'pull', usage: '[OPTIONS] NAME[:TAG|@DIGEST]', description: 'Pull an image or a repository from a registry', aliases: ['image pull'], args: { exact: 1 }, flags: [{ name: 'all-tags', short: 'a', type: 'bool', help: 'Download all tagged images in the repository' }, { name: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable' }, { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress verbose output' }] },
  run(engine, f, io) {
    checkRef(f.args[0]!);
    const lines: string[] = [];
    pullImage(engine, f.args[0]!, (l) => lines.push(l));
    if (f.bool('quiet')) io.stdout(lines[lines.length - 1]!);
    else for (const l of lines) io.stdout(l);
    return 0;
  },
};

export const login: DockerCommand = {
  spec: { name: 'login', usage: '[OPTIONS] [SERVER]', description: 'Log in to a Docker registry', args: { max: 1 }, flags: [{ name: 'password', short: 'p', type: 'string', help: 'Password' }, { name: 'password-stdin', type: 'bool', help: 'Take the password from stdin' }, { name: 'username', short: 'u', type: 'string', help: 'Username' }] },
  run(engine, f, io) {
    const host = f.args[0] ?? 'docker.io';
    if (!engine.registries.has(host)) throw new DockerError(`Error response from daemon: Get "https://${host}/v2/": dial tcp: lookup ${host}: no such host`);
    engine.logins.add(host);
    io.stderr('Note: Layerlab simulates registries; no credentials are sent or stored.');
    io.stdout('Login Succeeded');
    return 0;
  },
};

export const logout: DockerCommand = {
  spec: { name: 'logout', usage: '[SERVER]', description: 'Log out from a Docker registry', args: { max: 1 }, flags: [] },
  run(engine, f, io) {
    const host = f.args[0] ?? 'docker.io';
    if (!engine.logins.delete(host)) io.stdout(`Not logged in to ${host === 'docker.io' ? 'https://index.docker.io/v1/' : host}`);
    else io.stdout(`Removing login credentials for ${host === 'docker.io' ? 'https://index.docker.io/v1/' : host}`);
    return 0;
  },
};
