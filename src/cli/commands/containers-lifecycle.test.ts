import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/events.js';
import { dockerSession } from './container-testing.js';

/** The container.state transitions of a command, as `state` or `state(code)`. */
const states = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'container.state' ? [e.state + (e.exitCode !== undefined ? `(${e.exitCode})` : '')] : []));

describe('container states and transitions', () => {
  it('goes created -> running -> paused -> running -> exited (137) and reports each in ps', () => {
    const { docker } = dockerSession();
    expect(docker('create --name s1 oracle-base:local sleep 300').code).toBe(0);
    expect(docker("ps -a --format '{{.Status}}|{{.State}}'").out).toEqual(['Created|created']);
    const started = docker('start s1');
    expect(started.out).toEqual(['s1']);
    expect(states(started.events)).toEqual(['running']);
    docker('pause s1');
    expect(docker("ps --format '{{.Status}}|{{.State}}'").out[0]).toMatch(/^Up .* \(Paused\)\|paused$/);
    docker('unpause s1');
    expect(docker("ps --format '{{.State}}'").out).toEqual(['running']);
    const stopped = docker('stop -t 1 s1');
    expect(states(stopped.events)).toEqual(['exited(137)']);
    expect(docker("inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Running}}' s1").out).toEqual(['exited 137 false']);
  });

  it('emits the state a transition left as `previous`', () => {
    const { docker } = dockerSession();
    docker('run -d --name s1 oracle-base:local sleep 300');
    const ev = docker('pause s1').events.find((e) => e.type === 'container.state') as unknown as { state: string; previous: string };
    expect(ev).toMatchObject({ state: 'paused', previous: 'running' });
  });

  it('exits with the program code when PID 1 finishes', () => {
    const { docker } = dockerSession();
    const r = docker("run --name s1 oracle-base:local sh -c 'echo out; echo err >&2; exit 3'");
    expect(r).toMatchObject({ code: 3, out: ['out'], err: ['err'] });
    expect(states(r.events)).toEqual(['created', 'running', 'exited(3)']);
    expect(docker("ps -a --format '{{.Status}}'").out[0]).toMatch(/^Exited \(3\) /);
  });

  it('keeps a long-running program running: sleep, a server, an endless loop that sleeps', () => {
    const { docker } = dockerSession();
    docker('run -d --name s-a oracle-base:local sleep 300');
    docker("run -d --name s-b oracle-base:local sh -c 'echo starting; sleep 300'");
    docker("run -d --name s-c oracle-base:local sh -c 'while true; do echo tick; sleep 1; done'");
    expect(docker("ps --format '{{.Names}} {{.State}}'").out.sort()).toEqual(['s-a running', 's-b running', 's-c running']);
    expect(docker('logs s-b').out).toEqual(['starting']);
    expect(docker('logs s-c').out).toEqual(['tick', 'tick', 'tick', 'tick', 'tick']);
  });

  it('keeps an interactive shell running with -dit and lets a plain -d shell exit', () => {
    const { docker } = dockerSession();
    docker('run -dit --name shell oracle-base:local sh');
    docker('run -d --name once oracle-base:local sh');
    expect(docker("ps -a --format '{{.Names}} {{.Status}}'").out.sort()).toEqual(['once Exited (0) Less than a second ago', expect.stringMatching(/^shell Up /)]);
  });

  it('does nothing when starting a running container and refuses to start a paused one', () => {
    const { docker } = dockerSession();
    docker('run -d --name s1 oracle-base:local sleep 300');
    const again = docker('start s1');
    expect(again).toMatchObject({ code: 0, out: ['s1'] });
    expect(states(again.events)).toEqual([]);
    docker('pause s1');
    expect(docker('start s1')).toMatchObject({ code: 1, err: ['Error response from daemon: cannot start a paused container, try unpause instead', 'Error: failed to start containers: s1'] });
  });

  it('reports pause and unpause misuse with the daemon errors', () => {
    const { docker, engine } = dockerSession();
    docker('create --name s1 oracle-base:local sleep 300');
    const id = engine.findContainer('s1')!.id;
    expect(docker('pause s1')).toMatchObject({ code: 1, err: [`Error response from daemon: Container ${id} is not running`] });
    expect(docker('unpause s1').err).toEqual([`Error response from daemon: Container ${id} is not paused`]);
    docker('start s1');
    docker('pause s1');
    expect(docker('pause s1').err).toEqual([`Error response from daemon: Container ${id} is already paused`]);
    expect(docker('pause nosuch').err).toEqual(['Error response from daemon: No such container: nosuch']);
  });

  it('restarts a running container and starts a stopped one; a missing one is an error', () => {
    const { docker } = dockerSession();
    docker('run -d --name s1 oracle-base:local sleep 300');
    docker('create --name s2 oracle-base:local sleep 300');
    const r = docker('restart -t 0 s1 s2');
    expect(r.out).toEqual(['s1', 's2']);
    expect(states(r.events)).toEqual(['exited(137)', 'running', 'running']);
    expect(docker('restart nosuch')).toMatchObject({ code: 1, err: ['Error response from daemon: No such container: nosuch'] });
  });

  it('removes a --rm -d container when it stops, and a --rm container after it exits', () => {
    const { docker } = dockerSession();
    docker('run -d --rm --name bg oracle-base:local sleep 300');
    const stop = docker('stop bg');
    expect(stop.events.map((e) => e.type)).toContain('container.removed');
    docker('run --rm --name fg oracle-base:local true');
    expect(docker('ps -aq').out).toEqual([]);
  });

  it('refuses to remove running and paused containers without -f', () => {
    const { docker, engine } = dockerSession();
    docker('run -d --name s1 oracle-base:local sleep 300');
    const id = engine.findContainer('s1')!.id;
    expect(docker('rm s1').err).toEqual([`Error response from daemon: You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`]);
    docker('pause s1');
    expect(docker('rm s1').err).toEqual([`Error response from daemon: You cannot remove a paused container ${id}. Unpause and then stop the container before attempting removal or force remove`]);
    const forced = docker('rm -f s1');
    expect(states(forced.events)).toEqual(['exited(137)', 'removing']);
  });
});

describe('stop signals and kill', () => {
  it('stops a program that ignores SIGTERM as PID 1 with 137 and nginx (SIGQUIT) with 0', () => {
    const { docker } = dockerSession();
    docker('run -d --name sl oracle-base:local sleep 300');
    docker('run -d --name web nginx');
    docker('stop sl web');
    expect(docker("ps -a --format '{{.Names}} {{.Status}}'").out.sort()).toEqual(['sl Exited (137) Less than a second ago', 'web Exited (0) Less than a second ago']);
  });

  it('kills with 137, ignores a signal PID 1 has no handler for, and validates the signal', () => {
    const { docker, engine } = dockerSession();
    docker('run -d --name s1 oracle-base:local sleep 300');
    expect(docker('kill -s HUP s1').out).toEqual(['s1']);
    expect(docker("ps --format '{{.Names}}'").out).toEqual(['s1']);
    expect(docker('kill -s 99 s1').err).toEqual(['Error response from daemon: Cannot kill container: s1: The linux daemon does not support signal 99']);
    docker('kill -s SIGKILL s1');
    expect(docker("inspect -f '{{.State.ExitCode}}' s1").out).toEqual(['137']);
    const id = engine.findContainer('s1')!.id;
    expect(docker('kill s1').err).toEqual([`Error response from daemon: Cannot kill container: s1: Container ${id} is not running`]);
    expect(docker('kill -s FOO s1').err).toEqual(['Error response from daemon: Invalid signal: FOO']);
  });

  it('ends nginx with 0 on a signal it handles (kill -s TERM)', () => {
    const { docker } = dockerSession();
    docker('run -d --name web nginx');
    docker('kill -s TERM web');
    expect(docker("inspect -f '{{.State.Status}} {{.State.ExitCode}}' web").out).toEqual(['exited 0']);
  });
});

describe('restart policies', () => {
  it('restarts an always container whose command exits, with RestartCount and Restarting status', () => {
    const { docker } = dockerSession();
    docker("run -d --name r1 --restart always oracle-base:local sh -c 'echo run; exit 3'");
    const ps = docker("ps --format '{{.Status}}'").out[0];
    expect(ps).toMatch(/^Restarting \(3\) /);
    const inspect = docker("inspect -f '{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.RestartCount}}' r1").out[0]!;
    expect(inspect).toMatch(/^restarting true true [1-9]\d*$/);
    expect(docker('logs r1').out.length).toBeGreaterThan(1);
  });

  it('gives up an on-failure:N container after N restarts and never restarts a clean exit', () => {
    const { docker } = dockerSession();
    docker("run -d --name f2 --restart on-failure:2 oracle-base:local sh -c 'exit 5'");
    docker("run -d --name f0 --restart on-failure oracle-base:local sh -c 'exit 0'");
    for (let i = 0; i < 6; i++) docker('ps');
    expect(docker("inspect -f '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' f2 f0").out).toEqual(['2 exited 5', '0 exited 0']);
  });

  it('does not restart a container stopped or killed by the user; stop of a restarting one keeps its code', () => {
    const { docker } = dockerSession();
    docker('run -d --name k1 --restart always oracle-base:local sleep 300');
    docker('kill k1');
    docker("run -d --name r1 --restart always oracle-base:local sh -c 'exit 3'");
    docker('stop r1');
    for (let i = 0; i < 4; i++) docker('ps');
    expect(docker("inspect -f '{{.State.Status}} {{.State.ExitCode}}' k1 r1").out).toEqual(['exited 137', 'exited 3']);
  });

  it('refuses pause and exec while restarting', () => {
    const { docker, engine } = dockerSession();
    docker("run -d --name r1 --restart always oracle-base:local sh -c 'exit 1'");
    const id = engine.findContainer('r1')!.id;
    expect(docker('pause r1').err).toEqual([`Error response from daemon: Container ${id} is restarting, wait until the container is running`]);
    expect(docker('exec r1 true').err).toEqual([`Error response from daemon: Container ${id} is restarting, wait until the container is running`]);
  });
});
