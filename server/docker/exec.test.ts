import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { cleanupSession, eventually, recordingConsole, testScope } from './container-testing.js';
import { run, stop } from './containers.js';
import { exec } from './exec.js';
import type { RealCommand } from './types.js';

describeEngine('docker exec on the real engine', () => {
  const scope = testScope(docker);
  const name = `${scope.sessionId}-box`;

  async function sh(cmd: RealCommand, argv: string[]) {
    const con = recordingConsole();
    const code = await cmd(scope, argv, con.io);
    return { code, out: con.out, err: con.err };
  }

  beforeAll(async () => {
    expect((await sh(run, ['-d', '--name', name, 'busybox:latest', 'sleep', '300'])).code).toBe(0);
  });

  afterAll(() => cleanupSession(docker, scope.sessionId));

  it('runs -it through the console terminal: input in, raw output back, exit code 0', async () => {
    const con = recordingConsole(true);
    const session = exec(scope, ['-it', name, 'sh'], con.io);
    await eventually(() => con.tty().includes('# '), 10_000, 'the prompt');
    con.type('echo hi\r');
    await eventually(() => /\r\nhi\r\n/.test(con.tty()), 10_000, 'hi');
    con.type('stty size\r');
    // the console's size reached the exec's terminal
    await eventually(() => con.tty().includes('30 100'), 10_000, 'the terminal size');
    con.type('exit\r');
    expect(await session).toBe(0);
  });

  it('passes -e, -w and -u, and returns the exit code', async () => {
    expect(await sh(exec, ['-e', 'WHO=world', '-w', '/tmp', '-u', 'nobody', name, 'sh', '-c', 'echo $WHO $(pwd) $(id -u); echo bad >&2; exit 4'])).toEqual({ code: 4, out: ['world /tmp 65534'], err: ['bad'] });
  });

  it('answers a missing binary with the runtime message and 126, as docker exec does', async () => {
    expect(await sh(exec, [name, 'nope'])).toEqual({ code: 126, out: ['OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown'], err: [] });
  });

  it('refuses a container the session does not have, and one that is not running', async () => {
    expect(await sh(exec, ['no-such-box', 'true'])).toEqual({ code: 1, out: [], err: ['Error: No such container: no-such-box'] });
    const idle = `${scope.sessionId}-idle`;
    await sh(run, ['--name', idle, 'busybox:latest', 'true']);
    const r = await sh(exec, [idle, 'true']);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^Error response from daemon: Container [0-9a-f]{64} is not running$/)]);
  });

  it('never runs an exec privileged', async () => {
    const con = recordingConsole();
    const running = exec(scope, ['-d', name, 'sleep', '5'], con.io);
    expect(await running).toBe(0);
    const info = await docker.getContainer(name).inspect();
    const execs = (info as unknown as { ExecIDs: string[] | null }).ExecIDs ?? [];
    expect(execs.length).toBeGreaterThan(0);
    for (const id of execs) expect((await docker.getExec(id).inspect()).ProcessConfig.privileged).toBe(false);
    expect((await sh(stop, ['-t', '0', name])).code).toBe(0);
  });
});
