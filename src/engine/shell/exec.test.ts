import { describe, expect, it } from 'vitest';
import { runArgv, runShell, type ProcessIO } from './index.js';
import { busyboxFs, processIO, textFile } from './testing.js';
import type { Entry } from '../fs/types.js';

const bin = (size = 5_000_000): Entry => ({ type: 'file', mode: 0o755, uid: 0, gid: 0, mtime: 0, size, digest: 'a'.repeat(64) });

function sh(script: string, over: Partial<ProcessIO> = {}, fsOpts: Parameters<typeof busyboxFs>[0] = {}) {
  const fs = busyboxFs(fsOpts);
  return { ...runShell(script, processIO(fs, over)), fs };
}

describe('command lookup', () => {
  it('says not found with exit 127 in busybox wording', () => {
    expect(sh('nosuchcmd')).toMatchObject({ exitCode: 127, stderr: 'sh: nosuchcmd: not found\n' });
  });
  it('uses dash wording with the line number', () => {
    expect(sh('true\nnosuchcmd', { flavor: 'dash' })).toMatchObject({ exitCode: 127, stderr: '/bin/sh: 2: nosuchcmd: not found\n' });
  });
  it('uses bash wording when the user runs bash', () => {
    const fs = busyboxFs({ extra: [['/bin/bash', { type: 'symlink', target: 'busybox', mode: 0o777, uid: 0, gid: 0, mtime: 0 }]] });
    const r = runShell('bash -c "nosuchcmd"', processIO(fs));
    expect(r).toMatchObject({ exitCode: 127, stderr: 'bash: line 1: nosuchcmd: command not found\n' });
  });
  it('does not run an applet whose file is missing from the image', () => {
    expect(sh('cat /etc/passwd', {}, { without: ['cat'] })).toMatchObject({ exitCode: 127, stdout: '', stderr: 'sh: cat: not found\n' });
  });
  it('finds programs only through PATH', () => {
    expect(sh('ls /', { env: { PATH: '/usr/bin' } }).stderr).toBe('sh: ls: not found\n');
    expect(sh('/bin/ls -d /', { env: { PATH: '/usr/bin' } }).stdout).toBe('/\n');
  });
  it('keeps echo, printf and test working as shell builtins without files', () => {
    expect(sh('echo hi; printf "%s\\n" x; [ 1 = 1 ] && echo yes', {}, { without: ['echo', 'printf', '[', 'test'] }).stdout).toBe('hi\nx\nyes\n');
  });
  it('dispatches on the name of the link, busybox-style', () => {
    const fs = busyboxFs({ extra: [['/usr/bin/mycat', { type: 'symlink', target: '/bin/busybox', mode: 0o777, uid: 0, gid: 0, mtime: 0 }]] });
    expect(runShell('busybox echo via-busybox; /bin/busybox cat /etc/hostname; mycat /x', processIO(fs))).toMatchObject({
      stdout: 'via-busybox\ntest\n',
      stderr: expect.stringContaining('mycat: cannot run in the simulator'),
    });
  });
  it('explains that an existing program is not modelled, with exit 126', () => {
    const r = sh('python3 -c "print(1)"', {}, { extra: [['/usr/bin/python3', bin()]] });
    expect(r.exitCode).toBe(126);
    expect(r.stderr).toBe('sh: python3: cannot run in the simulator (Layerlab models shell file commands and package managers, not arbitrary programs)\n');
  });
  it('refuses to run a file without execute permission', () => {
    const r = sh('./x; echo $?', { cwd: '/tmp' }, { extra: [['/tmp/x', textFile('echo hi\n', 0o644)]] });
    expect(r).toMatchObject({ stdout: '126\n', stderr: 'sh: ./x: Permission denied\n' });
  });
  it('says not found for a missing path', () => {
    expect(sh('./nope').stderr).toBe('sh: ./nope: not found\n');
  });
  it('runs scripts through their #! interpreter with arguments', () => {
    const r = sh('/usr/local/bin/greet world', {}, { extra: [['/usr/local', { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 }], ['/usr/local/bin', { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 }], ['/usr/local/bin/greet', textFile('#!/bin/sh\nset -e\necho "hello $1 from $0"\n', 0o755)]] });
    expect(r.stdout).toBe('hello world from /usr/local/bin/greet\n');
  });
  it('runs an executable text file without #! as a shell script', () => {
    expect(sh('/tmp/s', {}, { extra: [['/tmp/s', textFile('echo plain\n', 0o755)]] }).stdout).toBe('plain\n');
  });
  it('reports a missing #! interpreter as not found', () => {
    expect(sh('/tmp/s', {}, { extra: [['/tmp/s', textFile('#!/usr/bin/python3\nprint(1)\n', 0o755)]] })).toMatchObject({ exitCode: 127, stderr: 'sh: /tmp/s: not found\n' });
  });
  it('consults the resolver before the applets', () => {
    const fs = busyboxFs({ extra: [['/sbin', { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 }], ['/sbin/apk', bin()]] });
    const seen: string[] = [];
    const r = runShell('apk add curl && cat /etc/hostname', processIO(fs), {
      resolver: (name, path) => {
        seen.push(`${name}@${path}`);
        return name === 'apk' ? (argv, io) => (io.stdout(`installing ${argv.slice(2).join(' ')}\n`), 0) : undefined;
      },
    });
    expect(r.stdout).toBe('installing curl\ntest\n');
    expect(seen).toEqual(['apk@/sbin/apk', 'cat@/bin/busybox']);
  });
  it('answers command -v and type', () => {
    const r = sh('command -v ls; command -v cd; command -v nope || echo missing; type cd ls');
    expect(r.stdout).toBe('/bin/ls\ncd\nmissing\ncd is a shell builtin\nls is /bin/ls\n');
  });
  it('finds programs with which', () => {
    expect(sh('which ls nope; echo $?').stdout).toBe('/bin/ls\n1\n');
  });
});

describe('runArgv (exec form)', () => {
  it('reports a missing program with notFound and no output', () => {
    expect(runArgv(['nosuchcmd'], processIO(busyboxFs()))).toEqual({ exitCode: 127, stdout: '', stderr: '', notFound: true });
  });
  it('reports a non-executable program with notExecutable', () => {
    const fs = busyboxFs({ extra: [['/tmp/x', textFile('x', 0o644)]] });
    expect(runArgv(['/tmp/x'], processIO(fs))).toMatchObject({ exitCode: 126, notExecutable: true });
  });
  it('runs /bin/sh -c like runShell, with /bin/sh in messages', () => {
    const r = runArgv(['/bin/sh', '-c', 'echo to-stderr >&2; nosuch; exit 3'], processIO(busyboxFs()));
    expect(r).toEqual({ exitCode: 3, stdout: '', stderr: 'to-stderr\n/bin/sh: nosuch: not found\n' });
  });
  it('runs a program directly with its arguments', () => {
    expect(runArgv(['cat', '/no/such/file'], processIO(busyboxFs()))).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: "cat: can't open '/no/such/file': No such file or directory\n",
    });
  });
  it('shows the program as PID 1 in ps', () => {
    expect(runArgv(['ps'], processIO(busyboxFs())).stdout).toBe('PID   USER     TIME  COMMAND\n    1 root      0:00 ps\n');
  });
  it('passes the environment to sh -c as exported variables', () => {
    expect(runArgv(['sh', '-c', 'echo shell-form $HOME'], processIO(busyboxFs())).stdout).toBe('shell-form /root\n');
  });
});

describe('permissions and users', () => {
  it('denies creating a file in a root-owned directory to a non-root user', () => {
    const fs = busyboxFs();
    const r = runShell('touch /root-owned-dir-test 2>&1; echo rc=$?', processIO(fs, { uid: 1000, gid: 1000 }));
    expect(r.stdout).toBe('touch: /root-owned-dir-test: Permission denied\nrc=1\n');
    expect(fs.stat('/root-owned-dir-test')).toBeNull();
  });
  it('denies a redirection into a root-owned directory', () => {
    const r = runShell('echo x > /etc/x', processIO(busyboxFs(), { uid: 65534, gid: 65534 }));
    expect(r).toMatchObject({ exitCode: 1, stderr: "sh: can't create /etc/x: Permission denied\n" });
  });
  it('lets a user write in their own directory and /tmp', () => {
    const fs = busyboxFs();
    runShell('mkdir -p /home/app && chown 1000:1000 /home/app', processIO(fs));
    const r = runShell('echo mine > /home/app/f && touch /tmp/t && ls -ln /home/app', processIO(fs, { uid: 1000, gid: 1000 }));
    expect(r.stdout).toBe('total 4\n-rw-r--r--    1 1000     1000             5 Nov 14 22:13 f\n');
    expect(fs.stat('/tmp/t')).toMatchObject({ uid: 1000, gid: 1000 });
  });
  it('denies reading a file without read permission', () => {
    const fs = busyboxFs({ extra: [['/etc/shadow', textFile('root:*:1::::::\n', 0o600)]] });
    expect(runShell('cat /etc/shadow', processIO(fs, { uid: 1000, gid: 1000 })).stderr).toBe("cat: can't open '/etc/shadow': Permission denied\n");
  });
  it('denies chown to a non-root user with EPERM wording', () => {
    const fs = busyboxFs();
    const r = runShell('touch /tmp/a && chown 0 /tmp/a', processIO(fs, { uid: 1000, gid: 1000 }));
    expect(r).toMatchObject({ exitCode: 1, stderr: 'chown: /tmp/a: Operation not permitted\n' });
  });
  it('restores the Fs credentials after the run', () => {
    const fs = busyboxFs();
    runShell('true', processIO(fs, { uid: 1000, gid: 1000 }));
    expect(fs.cred).toEqual({ uid: 0, gid: 0 });
  });
  it('prints id with names from /etc/passwd and /etc/group', () => {
    expect(runShell('id', processIO(busyboxFs(), { uid: 65534, gid: 65534 })).stdout).toBe('uid=65534(nobody) gid=65534(nobody) groups=65534(nobody)\n');
    expect(runShell('id', processIO(busyboxFs(), { uid: 1000, gid: 1000 })).stdout).toBe('uid=1000 gid=1000 groups=1000\n');
    expect(runShell('id; id -u; id -g; id -un; id -gn', processIO(busyboxFs())).stdout).toBe('uid=0(root) gid=0(root) groups=0(root),10(wheel)\n0\n0\nroot\nroot\n');
  });
  it('prints whoami, or an error for an unknown uid', () => {
    expect(runShell('whoami', processIO(busyboxFs())).stdout).toBe('root\n');
    expect(runShell('whoami', processIO(busyboxFs(), { uid: 1000, gid: 1000 }))).toMatchObject({ exitCode: 1, stderr: 'whoami: unknown uid 1000\n' });
  });
});

describe('stopping', () => {
  it('stops before the next command when the signal is aborted, with exit 130', () => {
    const ctl = new AbortController();
    ctl.abort();
    expect(runShell('echo never', processIO(busyboxFs(), { signal: ctl.signal }))).toMatchObject({ exitCode: 130, stdout: '' });
  });
  it('stops an endless loop after the step limit', () => {
    const r = runShell('while true; do :; done', processIO(busyboxFs()));
    expect(r.exitCode).toBe(137);
    expect(r.stderr).toContain('stopped after');
  });
  it('bounds yes so a pipeline ends', () => {
    expect(runShell('yes | head -n 2', processIO(busyboxFs())).stdout).toBe('y\ny\n');
  });
});
