/**
 * Real-mode commands accept exactly the simulator's flags (its CommandSpecs) and answer bad
 * ones with docker's usage errors, as the simulated CLI does.
 */
import { cliErrorExit, Flags, parseFlags, type CommandSpec } from '../../src/cli/flags.js';
import { daemonMessage as engineMessage } from './container-common.js';
import type { CommandIO } from './types.js';

/** Parses argv against a command's spec; on `--help` or a usage error prints it and returns the exit code. */
export function parseCommandFlags(spec: CommandSpec, argv: string[], io: CommandIO): Flags | number {
  try {
    return new Flags(parseFlags(spec, argv));
  } catch (e) {
    const code = cliErrorExit(e, io);
    if (code !== null) return code;
    throw e;
  }
}

/** Splits a JSON-lines HTTP body into parsed messages, one callback each, as chunks arrive. */
export function jsonLines(stream: NodeJS.ReadableStream, onMessage: (m: Record<string, unknown>) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let carry = '';
    const take = (text: string) => {
      const parts = (carry + text).split('\n');
      carry = parts.pop()!;
      for (const p of parts) if (p.trim()) onMessage(JSON.parse(p) as Record<string, unknown>);
    };
    stream.on('data', (c: Buffer) => {
      try {
        take(c.toString('utf8'));
      } catch (e) {
        reject(e as Error);
      }
    });
    stream.on('end', () => {
      try {
        take('\n');
        resolve();
      } catch (e) {
        reject(e as Error);
      }
    });
    stream.on('error', reject);
    stream.on('close', () => resolve());
  });
}

/** The daemon's message from a dockerode error, or the error's own text when it is not one. */
export function daemonMessage(e: unknown): string {
  return engineMessage(e) ?? ((e as Error)?.message ?? String(e)).trim();
}
