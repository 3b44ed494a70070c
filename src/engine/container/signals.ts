/**
 * Signals and what a container's main process does with them. A process that
 * runs as PID 1 in its own namespace gets no default signal actions: a signal
 * it installed no handler for is ignored (only SIGKILL always works). That is
 * why `docker stop` of `sleep`, `sh` or `node` waits for the timeout and ends
 * in 137, while nginx handles SIGQUIT and exits 0.
 */
import { DockerError } from '../errors.js';

const NAMES: [string, number][] = [
  ['HUP', 1], ['INT', 2], ['QUIT', 3], ['ILL', 4], ['TRAP', 5], ['ABRT', 6], ['IOT', 6], ['BUS', 7], ['FPE', 8],
  ['KILL', 9], ['USR1', 10], ['SEGV', 11], ['USR2', 12], ['PIPE', 13], ['ALRM', 14], ['TERM', 15], ['STKFLT', 16],
  ['CHLD', 17], ['CONT', 18], ['STOP', 19], ['TSTP', 20], ['TTIN', 21], ['TTOU', 22], ['URG', 23], ['XCPU', 24],
  ['XFSZ', 25], ['VTALRM', 26], ['PROF', 27], ['WINCH', 28], ['IO', 29], ['POLL', 29], ['PWR', 30], ['SYS', 31],
];
const BY_NAME = new Map(NAMES);
for (let i = 0; i <= 30; i++) BY_NAME.set(`RTMIN+${i}`, 34 + i);
for (let i = 0; i <= 30; i++) BY_NAME.set(`RTMAX-${i}`, 64 - i);
BY_NAME.set('RTMIN', 34);
BY_NAME.set('RTMAX', 64);

export const SIGKILL = 9;
export const SIGTERM = 15;

/**
 * Parses a signal as the daemon does (`9`, `KILL`, `SIGKILL`, `kill`);
 * unknown names fail with `Invalid signal: X`. Numbers above 64 are returned
 * as they are: the kill path rejects them with its own message.
 */
export function parseSignal(text: string): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n === 0) throw new DockerError(`Error response from daemon: Invalid signal: ${text}`);
    return n;
  }
  const n = BY_NAME.get(text.toUpperCase().replace(/^SIG/, ''));
  if (n === undefined) throw new DockerError(`Error response from daemon: Invalid signal: ${text}`);
  return n;
}

/** What the program does when a signal reaches it: exits with a code, keeps running, or has no handler. */
export type SignalReaction = { exit: number } | 'continue' | 'ignored';

/** Signals servers handle, by program name: how they react (all exit 0 on a shutdown signal). */
const HANDLERS: Record<string, Record<number, SignalReaction>> = {
  // nginx: TERM/INT fast shutdown, QUIT graceful shutdown, HUP reload, USR1 reopen logs, USR2 upgrade, WINCH stop workers
  nginx: { 15: { exit: 0 }, 2: { exit: 0 }, 3: { exit: 0 }, 1: 'continue', 10: 'continue', 12: 'continue', 28: 'continue' },
  // httpd: TERM stop, WINCH graceful-stop, HUP restart, USR1 graceful restart
  httpd: { 15: { exit: 0 }, 28: { exit: 0 }, 1: 'continue', 10: 'continue' },
  'httpd-foreground': { 15: { exit: 0 }, 28: { exit: 0 }, 1: 'continue', 10: 'continue' },
  'apache2-foreground': { 15: { exit: 0 }, 28: { exit: 0 }, 1: 'continue', 10: 'continue' },
  'redis-server': { 15: { exit: 0 }, 2: { exit: 0 } },
  postgres: { 15: { exit: 0 }, 2: { exit: 0 }, 3: { exit: 0 }, 1: 'continue' },
  mysqld: { 15: { exit: 0 }, 1: 'continue' },
  mongod: { 15: { exit: 0 }, 2: { exit: 0 } },
  memcached: { 15: { exit: 0 }, 2: { exit: 0 } },
  // Python installs a SIGINT handler (KeyboardInterrupt); `python -m http.server` then exits 0
  python: { 2: { exit: 0 } },
  python3: { 2: { exit: 0 } },
};

/** How the program `argv` reacts to `signal` when it runs as PID 1. */
export function signalReaction(argv: string[], signal: number): SignalReaction {
  if (signal === SIGKILL) return { exit: 128 + SIGKILL };
  const prog = (argv[0] ?? '').split('/').pop() ?? '';
  const table = HANDLERS[prog] ?? HANDLERS[prog.replace(/\d+(\.\d+)*$/, '')];
  return table?.[signal] ?? 'ignored';
}
