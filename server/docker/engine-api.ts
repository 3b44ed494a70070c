/**
 * The Engine API as the real-mode handlers call it: one request helper that keeps the
 * daemon's status and message, and the CLI's flag parsing and error printing around a
 * handler body, so a real command fails with the words and exit code docker uses.
 */
import type Docker from 'dockerode';
import { DockerError } from '../../src/engine/errors.js';
import { cliErrorExit, Flags, parseFlags, type CommandSpec } from '../../src/cli/flags.js';
import type { CommandIO } from './types.js';

/** An Engine API error: the daemon's status code and message. */
export class EngineError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS = { 200: true, 201: true, 204: true, 304: 'not modified', 400: 'bad parameter', 404: 'not found', 409: 'conflict', 500: 'server error' };

/** One Engine API request; `raw` answers the body text (inspect prints the daemon's bytes), `'stream'` the response stream. */
export function engineRequest<T = unknown>(docker: Docker, method: string, path: string, query: Record<string, unknown> = {}, raw: boolean | 'stream' = false): Promise<T> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({ path: `${path}?`, method, options: query, statusCodes: STATUS, isStream: !!raw } as never, (err: unknown, res: unknown) => {
      if (err) {
        const e = err as { statusCode?: number; json?: { message?: string } | string; message: string };
        const msg = typeof e.json === 'object' && e.json?.message ? e.json.message : e.message;
        reject(new EngineError(e.statusCode ?? 500, msg));
        return;
      }
      if (!raw || raw === 'stream') return resolve(res as T);
      const chunks: Buffer[] = [];
      const stream = res as NodeJS.ReadableStream;
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').trim() as T));
      stream.on('error', reject);
    });
  });
}

/** A user-typed name as a URL path segment (names keep their `/`, `:` and `@`). */
export function pathName(name: string): string {
  return encodeURIComponent(name).replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%40/g, '@');
}

/**
 * Runs a handler body with the docker CLI's flag parsing and error printing: usage errors,
 * `--help`, and DockerErrors become what the CLI prints and its exit code.
 */
export async function runCli(spec: CommandSpec, argv: string[], io: CommandIO, body: (f: Flags) => Promise<number>): Promise<number> {
  try {
    return await body(new Flags(parseFlags(spec, argv)));
  } catch (e) {
    const code = cliErrorExit(e, io);
    if (code !== null) return code;
    if (e instanceof EngineError) {
      io.stderr(`Error response from daemon: ${e.message}`);
      return 1;
    }
    throw e;
  }
}


/**
 * One name of several failed (`rmi a b`, `volume rm a b`): prints it as the CLI does and lets
 * the command go on with the next name; anything but a docker or daemon error is a bug.
 */
export function printItemError(e: unknown, io: Pick<CommandIO, 'stderr'>): void {
  if (e instanceof DockerError) io.stderr(e.message);
  else if (e instanceof EngineError) io.stderr(`Error response from daemon: ${e.message}`);
  else throw e;
}
