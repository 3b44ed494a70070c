import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../engine/hash.js';
import { dockerSession } from './container-testing.js';

describe('docker exec', () => {
  it('runs against the same filesystem: writes land in the container layer', () => {
    const { docker } = dockerSession();
    docker('run -d --name ex oracle-base:local sleep 300');
    expect(docker("exec ex sh -c 'echo hi > /data.txt'").code).toBe(0);
    expect(docker('exec ex cat /data.txt').out).toEqual(['hi']);
    expect(docker('diff ex').out).toEqual(['A /data.txt']);
  });

  it('lists only the container processes in ps, PID 1 first, exec processes after', () => {
    const { docker } = dockerSession();
    docker('run -d --name ex oracle-base:local sleep 300');
    docker('exec -d ex sleep 100');
    const ps = docker('exec ex ps').out;
    expect(ps.slice(1).map((l) => l.trim().split(/\s+/).filter((_, i) => i !== 2 && i !== 1).join(' '))).toEqual(['1 sleep 300', '7 sleep 100', '13 ps']);
  });

  it('honours -u, -w and -e (after the container env, HOME last)', () => {
    const { docker } = dockerSession();
    docker('run -d --name ex -e A=1 oracle-base:local sleep 300');
    expect(docker('exec -u nobody ex id -u').out).toEqual(['65534']);
    expect(docker('exec -u 1000:1000 ex id').out).toEqual(['uid=1000 gid=1000 groups=1000']);
    expect(docker('exec -w /tmp ex pwd').out).toEqual(['/tmp']);
    expect(docker('exec -e B=2 ex env').out.slice(2)).toEqual(['A=1', 'B=2', 'HOME=/root']);
  });

  it('feeds stdin with -i and returns the exit code of the command', () => {
    const { docker } = dockerSession();
    docker('run -d --name ex oracle-base:local sleep 300');
    expect(docker('exec -i ex sh', { stdin: 'echo hi\nid -u\nexit 3\n' })).toMatchObject({ code: 3, out: ['hi', '0'] });
    expect(docker("exec ex sh -c 'exit 7'").code).toBe(7);
  });

  it("fails on a container that is not running, paused or missing with Docker's messages", () => {
    const { docker, engine } = dockerSession();
    docker('create --name cr oracle-base:local sleep 300');
    const id = engine.findContainer('cr')!.id;
    expect(docker('exec cr true')).toMatchObject({ code: 1, err: [`Error response from daemon: Container ${id} is not running`] });
    docker('start cr');
    docker('pause cr');
    expect(docker('exec cr true')).toMatchObject({ code: 1, err: ['Error response from daemon: Container cr is paused, unpause the container before exec'] });
    expect(docker('exec nosuch true')).toMatchObject({ code: 1, err: ['Error: No such container: nosuch'] });
  });

  it('reports runc failures with 126 (attached) or through the daemon with -d', () => {
    const { docker } = dockerSession();
    docker('run -d --name ex oracle-base:local sleep 300');
    expect(docker('exec ex nosuch')).toMatchObject({ code: 126, err: ['OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown'] });
    expect(docker('exec ex /etc').err).toEqual(['OCI runtime exec failed: exec failed: unable to start container process: exec: "/etc": permission denied: unknown']);
    expect(docker('exec -w /nonexist ex pwd').err).toEqual(['OCI runtime exec failed: exec failed: unable to start container process: chdir to cwd ("/nonexist") set in config.json failed: no such file or directory: unknown']);
    expect(docker('exec -u ghost ex true')).toMatchObject({ code: 126, err: ['unable to find user ghost: no matching entries in passwd file'] });
    expect(docker('exec -d ex nosuch')).toMatchObject({ code: 1, err: ['Error response from daemon: OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown'] });
  });

  it('requires a container and a command', () => {
    const { docker } = dockerSession();
    expect(docker('exec ex').err[0]).toBe('"docker exec" requires at least 2 arguments.');
  });
});

describe('docker cp', () => {
  it('copies a file and a folder into a container and back out to the workspace', () => {
    const { docker, ws } = dockerSession();
    ws.write('f.txt', 'hello\n');
    ws.write('dir/sub/y', 'x\n');
    docker('create --name cs oracle-base:local sleep 300');
    expect(docker('cp f.txt cs:/tmp/')).toMatchObject({ code: 0, out: [], err: [] });
    docker('cp dir cs:/tmp/d2');
    docker('cp dir cs:/tmp/d2');
    expect(docker('diff cs').out).toEqual(['C /tmp', 'A /tmp/d2', 'A /tmp/d2/dir', 'A /tmp/d2/dir/sub', 'A /tmp/d2/dir/sub/y', 'A /tmp/d2/sub', 'A /tmp/d2/sub/y', 'A /tmp/f.txt']);
    docker('cp cs:/tmp/f.txt out.txt');
    docker('cp cs:/tmp/d2 outdir');
    expect(fromUtf8(ws.readFile('out.txt')!)).toBe('hello\n');
    expect(fromUtf8(ws.readFile('outdir/dir/sub/y')!)).toBe('x\n');
  });

  it('copies the contents of a folder with a trailing /.', () => {
    const { docker, ws } = dockerSession();
    ws.write('dir/sub/y', 'x\n');
    docker('create --name cs oracle-base:local true');
    docker('cp dir/. cs:/tmp');
    expect(docker('diff cs').out).toEqual(['C /tmp', 'A /tmp/sub', 'A /tmp/sub/y']);
  });

  it("reports missing paths, containers and misuse with the 20.10 CLI's messages", () => {
    const { docker, ws } = dockerSession();
    ws.write('f.txt', 'hello\n');
    docker('create --name cs oracle-base:local true');
    expect(docker('cp cs:/nope out')).toMatchObject({ code: 1, err: ['Error: No such container:path: cs:/nope'] });
    expect(docker('cp nope cs:/tmp').err).toEqual(['lstat /w/nope: no such file or directory']);
    expect(docker('cp f.txt cs:/nodir/x/y').err).toEqual(['Error: No such container:path: cs:/nodir/x']);
    expect(docker('cp f.txt nosuch:/tmp').err).toEqual(['Error: No such container:path: nosuch:/']);
    expect(docker('cp a b').err).toEqual(['must specify at least one container source']);
    expect(docker('cp cs:/a cs:/b').err).toEqual(['copying between containers is not supported']);
    expect(docker('cp cs:/bin f.txt').err).toEqual(['cannot copy directory']);
    expect(docker('cp cs:/etc/passwd outnew/').err).toEqual(['no such directory']);
    expect(docker('cp cs:/etc/passwd nodir/x').err).toEqual(['invalid output path: directory "/w/nodir" does not exist']);
  });

  it('refuses to copy into a read-only root filesystem', () => {
    const { docker, ws } = dockerSession();
    ws.write('f.txt', 'hello\n');
    docker('create --name ro --read-only oracle-base:local true');
    expect(docker('cp f.txt ro:/tmp')).toMatchObject({ code: 1, err: ['Error response from daemon: container rootfs is marked read-only'] });
  });
});

describe('docker logs', () => {
  it('prints what PID 1 wrote, with --tail and RFC3339Nano timestamps from the engine clock', () => {
    const { docker } = dockerSession();
    docker("run -d --name lg oracle-base:local sh -c 'echo one; echo two; echo three; sleep 300'");
    expect(docker('logs lg').out).toEqual(['one', 'two', 'three']);
    expect(docker('logs --tail 1 lg').out).toEqual(['three']);
    expect(docker('logs --tail 0 lg').out).toEqual([]);
    expect(docker('logs --tail x lg').out).toEqual(['one', 'two', 'three']);
    const stamped = docker('logs -n 2 -t lg').out;
    expect(stamped).toHaveLength(2);
    for (const l of stamped) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (two|three)$/);
    expect(docker('logs -f lg').out).toEqual(['one', 'two', 'three']);
  });

  it('keeps stderr apart and does not log exec output', () => {
    const { docker } = dockerSession();
    docker("run -d --name lg oracle-base:local sh -c 'echo err >&2; sleep 300'");
    docker('exec lg echo from-exec');
    expect(docker('logs lg')).toMatchObject({ out: [], err: ['err'] });
  });
});
