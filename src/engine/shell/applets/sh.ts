/**
 * sh, ash, dash and bash as programs: `sh -c`, `sh script.sh`, or commands
 * read from stdin. All run the same interpreter; the name picks the wording.
 */
import { errText, readText } from '../files.js';
import { Shell } from '../interp.js';
import { lazyInStream, Machine, shellIO, type FdTable } from '../process.js';
import type { CommandIO, ShellFlavor } from '../types.js';

/** Options for starting a shell process. */
export interface ShellStart {
  /** The script text. */
  script: string;
  /** $0: the shell's name in messages (`sh`, `/bin/sh`, `bash`) or the script's path. */
  arg0: string;
  args: string[];
  flavor: ShellFlavor;
  isScript?: boolean;
  options?: string[];
}

/** Runs a shell process over a CommandIO: its environment becomes exported variables. */
export function startShell(io: CommandIO, start: ShellStart): number {
  const machine = shellIO(io)?.machine ?? new Machine();
  const fds: FdTable = new Map();
  // stdin is read only when the script reads it, so a parent's input stays for later readers
  const stdin = lazyInStream(() => io.stdin);
  fds.set(0, stdin);
  fds.set(1, { kind: 'out', write: (s) => io.stdout(s) });
  fds.set(2, { kind: 'out', write: (s) => io.stderr(s) });
  const proc = machine.procs[machine.procs.length - 1];
  const { stdout: _o, stderr: _e, stdin: _i, env, cwd, ...base } = io;
  const sh = new Shell(base, machine, fds, cwd, start.arg0, start.args, start.flavor, proc?.pid ?? 1, start.isScript ?? false);
  for (const [k, v] of Object.entries(env)) {
    sh.vars.set(k, v);
    sh.exported.add(k);
  }
  // ash exports PWD and counts SHLVL, so `sh -c env` shows both
  sh.vars.set('PWD', cwd);
  sh.vars.set('SHLVL', String((Number(env.SHLVL) || 0) + 1));
  sh.exported.add('PWD').add('SHLVL');
  if (!sh.vars.has('IFS')) sh.vars.set('IFS', ' \t\n');
  for (const o of start.options ?? []) {
    const on = o[0] === '-';
    for (const f of o.slice(1)) {
      if (f === 'e') sh.opts.errexit = on;
      else if (f === 'x') sh.opts.xtrace = on;
      else if (f === 'u') sh.opts.nounset = on;
      else if (f === 'f') sh.opts.noglob = on;
      else if (f === 'p') sh.opts.pipefail = on;
    }
  }
  return sh.main(start.script);
}

/** The `sh` program: `sh [-eux] [-c SCRIPT [NAME [ARGS]] | FILE [ARGS]]`. */
export function shApplet(argv: string[], io: CommandIO): number {
  const name = argv[0] ?? 'sh';
  const base = name.slice(name.lastIndexOf('/') + 1);
  const flavor: ShellFlavor = base === 'bash' ? 'bash' : base === 'dash' ? 'dash' : base === 'ash' ? 'busybox' : io.flavor;
  const options: string[] = [];
  let command: string | undefined;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (a === '-o' || a === '+o') {
      if (argv[i + 1] === 'pipefail') options.push(a[0] + 'p');
      i++;
      continue;
    }
    if (!/^[-+][a-zA-Z]+$/.test(a)) break;
    for (const f of a.slice(1)) {
      if (f === 'c') command = '';
      else if ('euxf'.includes(f)) options.push(a[0] + f);
    }
  }
  if (command !== undefined) {
    const script = argv[i];
    if (script === undefined) {
      io.stderr(flavor === 'bash' ? `${name}: -c: option requires an argument\n` : `${name}: -c requires an argument\n`);
      return 2;
    }
    return startShell(io, { script, arg0: argv[i + 1] ?? name, args: argv.slice(i + 2), flavor, options });
  }
  const file = argv[i];
  if (file === undefined) return startShell(io, { script: io.stdin, arg0: name, args: [], flavor, options });
  let script: string;
  try {
    script = readText(io, file);
  } catch (e) {
    const why = errText(e);
    if (flavor === 'bash') io.stderr(`${name}: ${file}: ${why}\n`);
    else if (flavor === 'dash') io.stderr(`${name}: 0: cannot open ${file}: ${why === 'No such file or directory' ? 'No such file' : why}\n`);
    else io.stderr(`${name}: can't open '${file}': ${why}\n`);
    return flavor === 'bash' ? 127 : 2;
  }
  return startShell(io, { script, arg0: file, args: argv.slice(i + 1), flavor, isScript: true, options });
}
