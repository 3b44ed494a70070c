/**
 * The docker CLI: turns argv into a command run against the engine, printing
 * exactly what the docker CLI prints and returning its exit code.
 */
import type { Engine } from '../engine/engine.js';
import { build } from './commands/build.js';
import { create, run, start } from './commands/containers.js';
import { commit, containerPrune, diff, kill, pause, rename, restart, rm, stop, unpause, wait } from './commands/container-control.js';
import { cp } from './commands/container-cp.js';
import { exec } from './commands/container-exec.js';
import { containerInspectCmd } from './commands/container-inspect.js';
import { port, ps } from './commands/container-list.js';
import { logs } from './commands/container-logs.js';
import { stats, top } from './commands/container-stats.js';
import { history, imagePrune, images, rmi, tag } from './commands/images.js';
import { imageInspectCmd, inspect } from './commands/inspect.js';
import { systemDf, builderPrune } from './commands/system.js';
import { login, logout, pull, push } from './commands/registry.js';
import { volumeCreate, volumeInspect, volumeLs, volumePrune, volumeRm } from './commands/volumes.js';
import { cliErrorExit, Flags, parseFlags } from './flags.js';
import type { CliIO, DockerCommand } from './types.js';
import { workspaceBinds } from './workspace-binds.js';

/** Every command, by the words that name it (aliases included). */
export const COMMANDS = new Map<string, DockerCommand>();
for (const cmd of [build, images, history, tag, rmi, imagePrune, imageInspectCmd, inspect, run, create, start, stop, kill, rm, ps, diff, commit, logs, restart, pause, unpause, rename, wait, containerPrune, exec, cp, port, top, stats, containerInspectCmd, systemDf, builderPrune, push, pull, login, logout, volumeCreate, volumeLs, volumeInspect, volumeRm, volumePrune]) {
  COMMANDS.set(cmd.spec.name, cmd);
  for (const a of cmd.spec.aliases ?? []) COMMANDS.set(a, cmd);
}

const GROUPS = ['image', 'container', 'builder', 'system', 'volume', 'network'];

/** Runs `docker ARGV...`; returns the exit code. Never throws for bad input. */
export function runDocker(engine: Engine, argv: string[], io: CliIO): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    for (const l of topHelp()) io.stdout(l);
    return 0;
  }
  const two = argv.slice(0, 2).join(' ');
  let cmd = COMMANDS.get(two);
  let rest = argv.slice(2);
  if (!cmd) {
    cmd = COMMANDS.get(argv[0]!);
    rest = argv.slice(1);
  }
  if (!cmd) {
    if (GROUPS.includes(argv[0]!)) {
      io.stderr(argv[1] ? `docker: '${argv.slice(0, 2).join(' ')}' is not a docker command.` : `\nUsage:  docker ${argv[0]} COMMAND`);
      io.stderr("See 'docker --help'");
      return 1;
    }
    io.stderr(`docker: '${argv[0]}' is not a docker command.`);
    io.stderr("See 'docker --help'");
    return 1;
  }
  // bind mounts (`-v /host/dir:/path`) see the learner's workspace
  engine.binds = workspaceBinds(io.workspace);
  const before = engine.checkpoint();
  try {
    const flags = new Flags(parseFlags(cmd.spec, rest));
    return cmd.run(engine, flags, io);
  } catch (e) {
    const code = cliErrorExit(e, io);
    if (code !== null) return code;
    // a bug in the simulator must not take the learner's world with it
    engine.rollback(before);
    io.stderr(`layerlab: internal error in the simulator: ${(e as Error).message ?? e} (nothing was changed; please report this command)`);
    return 1;
  }
}

function topHelp(): string[] {
  const names = [...new Set([...COMMANDS.values()].map((c) => c.spec.name))].sort();
  return ['', 'Usage:  docker [OPTIONS] COMMAND', '', 'A self-sufficient runtime for containers (simulated by Layerlab)', '', 'Commands:', ...names.map((n) => `  ${n.padEnd(14)}${COMMANDS.get(n)!.spec.description}`), '', "Run 'docker COMMAND --help' for more information on a command."];
}
