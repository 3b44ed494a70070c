/**
 * The programs the simulator models, by the name busybox dispatches on.
 * A program runs only if its file exists in the image; this map says what
 * it does once found.
 */
import type { Command } from '../types.js';
import { ACCOUNT_APPLETS } from './accounts.js';
import { ARCHIVE_APPLETS } from './archive.js';
import { DD_APPLETS } from './dd.js';
import { echoText, printfText } from './echo.js';
import { FILE_APPLETS } from './fileutils.js';
import { FIND_APPLETS } from './find.js';
import { GREP_APPLETS } from './grep.js';
import { LS_APPLETS } from './ls.js';
import { MISC_APPLETS } from './misc.js';
import { PERM_APPLETS } from './perms.js';
import { shApplet } from './sh.js';
import { STAT_APPLETS } from './stat.js';
import { SYS_APPLETS } from './sys.js';
import { runTest } from './test.js';
import { TEXT_APPLETS } from './text.js';

const echo: Command = (argv, io) => (io.stdout(echoText(argv.slice(1), 'busybox')), 0);

const printf: Command = (argv, io) => {
  if (argv.length < 2) {
    io.stderr('printf: usage: printf FORMAT [ARGUMENT...]\n');
    return 1;
  }
  const errors: string[] = [];
  io.stdout(printfText(argv[1]!, argv.slice(2), errors));
  for (const e of errors) io.stderr(`printf: ${e}\n`);
  return errors.length > 0 ? 1 : 0;
};

const test: Command = (argv, io) => {
  const r = runTest(argv, io);
  if (r.error) io.stderr(`${argv[0] === '[' ? '[' : 'test'}: ${r.error}\n`);
  return r.status;
};

/** Every modelled program, by name. */
export const APPLETS = new Map<string, Command>(
  Object.entries({
    sh: shApplet,
    ash: shApplet,
    bash: shApplet,
    dash: shApplet,
    echo,
    printf,
    test,
    '[': test,
    '[[': test,
    true: () => 0,
    false: () => 1,
    ...TEXT_APPLETS,
    ...FILE_APPLETS,
    ...PERM_APPLETS,
    ...LS_APPLETS,
    ...FIND_APPLETS,
    ...STAT_APPLETS,
    ...DD_APPLETS,
    ...GREP_APPLETS,
    ...SYS_APPLETS,
    ...MISC_APPLETS,
    ...ARCHIVE_APPLETS,
    ...ACCOUNT_APPLETS,
  }),
);
