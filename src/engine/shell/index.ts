/**
 * Layerlab's built-in shell: runs `RUN` lines and container commands against
 * an image's layered filesystem. Programs run only if their files exist in
 * the image; what they do comes from the engine's resolver (package managers)
 * or the built-in busybox-like applets.
 */
import { lookupCommand, runProgram, spawn, unmodelledText } from './exec.js';
import { startShell } from './applets/sh.js';
import { APPLETS } from './applets/index.js';
import { Machine, StopRun, type ShellIO } from './process.js';
import type { Command, CommandIO, CommandResolver, ShellResult } from './types.js';

export type { CommandIO, Command, CommandResolver, ShellResult, ShellFlavor } from './types.js';

export interface ShellOptions {
  /** Extra programs (package managers etc.) supplied by the engine; consulted before the built-in applets. */
  resolver?: CommandResolver;
  /** $0 of `runShell`, which prefixes its messages; defaults to `sh` (busybox), `/bin/sh` (dash) or `bash`. */
  argv0?: string;
  /** Every write as it happens, so callers keep stdout and stderr in the order they were written. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/** A process's context; stdin is given as a string. */
export type ProcessIO = Omit<CommandIO, 'stdout' | 'stderr'>;

/** The programs the simulator models, by name; one runs only if the image has its file on PATH. */
export const defaultApplets: ReadonlyMap<string, Command> = APPLETS;

interface Run {
  io: ShellIO;
  result: ShellResult;
  finish(code: number): ShellResult;
}

/** Sets up output collection, the machine and the Fs credentials for one run. */
function begin(pio: ProcessIO, opts: ShellOptions, argv: string[]): Run {
  const result: ShellResult = { exitCode: 0, stdout: '', stderr: '' };
  const machine = new Machine(opts.resolver);
  const fs = pio.fs as { cred?: { uid: number; gid: number } };
  const savedCred = fs.cred;
  if (savedCred) fs.cred = { uid: pio.uid, gid: pio.gid };
  let stdinText: string | undefined;
  const io: ShellIO = {
    ...pio,
    get stdin() {
      return (stdinText ??= pio.stdin);
    },
    stdout: (s) => {
      machine.wrote(s.length);
      result.stdout += s;
      opts.onOutput?.('stdout', s);
    },
    stderr: (s) => {
      result.stderr += s;
      opts.onOutput?.('stderr', s);
    },
    machine,
    spawn: (a, o) => spawn(io, a, o),
  };
  if (argv.length > 0) machine.start(pio.uid, argv);
  return {
    io,
    result,
    finish(code) {
      if (savedCred) fs.cred = savedCred;
      result.exitCode = code;
      return result;
    },
  };
}

function guarded(run: Run, fn: () => number): ShellResult {
  try {
    return run.finish(fn());
  } catch (e) {
    if (!(e instanceof StopRun)) {
      run.finish(0);
      throw e;
    }
    run.result.stderr += e.message;
    return run.finish(e.exitCode);
  }
}

/** Runs `sh -c SCRIPT`. */
export function runShell(script: string, io: ProcessIO, opts: ShellOptions = {}): ShellResult {
  const arg0 = opts.argv0 ?? (io.flavor === 'dash' ? '/bin/sh' : io.flavor === 'bash' ? 'bash' : 'sh');
  const run = begin(io, opts, [arg0, '-c', script]);
  return guarded(run, () => startShell(run.io, { script, arg0, args: [], flavor: io.flavor }));
}

/** Runs an exec-form argv with no shell (argv[0] looked up in PATH, like runc). */
export function runArgv(argv: string[], io: ProcessIO, opts: ShellOptions = {}): ShellResult & { notFound?: boolean; notExecutable?: boolean } {
  const found = lookupCommand(io, argv[0] ?? '', io.env.PATH);
  if (found.kind === 'notfound') return { exitCode: 127, stdout: '', stderr: '', notFound: true };
  if (found.kind === 'denied') return { exitCode: 126, stdout: '', stderr: '', notExecutable: true };
  const run = begin(io, opts, []);
  let flags: { notFound?: boolean; notExecutable?: boolean } = {};
  const res = guarded(run, () => {
    const r = runProgram(run.io, argv, found.path, false);
    if ('code' in r) return r.code;
    if ('notFound' in r) {
      flags = { notFound: true };
      return 127;
    }
    if ('execFormat' in r) {
      flags = { notExecutable: true };
      return 126;
    }
    run.io.stderr(unmodelledText(r.unmodelled) + '\n');
    return 126;
  });
  return { ...res, ...flags };
}
