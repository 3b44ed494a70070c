/**
 * Errors that carry what the docker CLI prints and the exit code it returns,
 * so the console shows exactly what Docker shows.
 */
export class DockerError extends Error {
  constructor(
    message: string,
    /** The exit code of the docker command that failed with this error. */
    readonly exitCode = 1,
    /** Machine-readable details for the UI and lessons (which line, which file...). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DockerError';
  }
}

/** Thrown when an AbortSignal cancels a long command (a build, a pull). */
export class CancelledError extends DockerError {
  constructor() {
    super('context canceled', 130, { kind: 'cancelled' });
    this.name = 'CancelledError';
  }
}

/** Throws CancelledError when the signal has fired. */
export function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}
