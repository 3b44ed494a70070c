import { describe, expect, it } from 'vitest';
import { runArgv, runShell, type ProcessIO } from './index.js';
import { busyboxFs, processIO, textFile } from './testing.js';

function sh(script: string, over: Partial<ProcessIO> = {}, fs = busyboxFs()) {
  return { ...runShell(script, processIO(fs, over)), fs };
}

describe('cd and pwd', () => {
  it('changes directory, sets PWD and OLDPWD, and goes home without arguments', () => {
    expect(sh('cd /etc && pwd && echo $PWD && cd /tmp && cd - && cd && pwd').stdout).toBe('/etc\n/etc\n/etc\n/root\n');
  });
  it('resolves relative paths and ..', () => {
    expect(sh('cd /etc; cd ../tmp; pwd; cd ..; pwd').stdout).toBe('/tmp\n/\n');
  });
  it('reports a missing directory in each shell wording', () => {
    expect(sh('cd /nope; echo $?')).toMatchObject({ stdout: '2\n', stderr: "sh: cd: line 1: can't cd to /nope: No such file or directory\n" });
    expect(sh('cd /nope', { flavor: 'dash' }).stderr).toBe("/bin/sh: 1: cd: can't cd to /nope\n");
    expect(sh('cd /nope; echo $?', { flavor: 'bash' })).toMatchObject({ stdout: '1\n', stderr: 'bash: line 1: cd: /nope: No such file or directory\n' });
  });
  it('refuses a directory the user may not search', () => {
    expect(sh('cd /root', { uid: 1000, gid: 1000 }).stderr).toBe("sh: cd: line 1: can't cd to /root: Permission denied\n");
  });
  it('starts in the working directory given by the engine', () => {
    expect(sh('pwd; ls', { cwd: '/etc' }).stdout).toBe('/etc\ngroup\nhostname\npasswd\n');
  });
});

describe('variables and the environment', () => {
  it('exports PWD and SHLVL like ash', () => {
    expect(sh('env | grep -E "^(PWD|SHLVL)=" | sort').stdout).toBe('PWD=/\nSHLVL=1\n');
  });
  it('unsets variables and functions', () => {
    expect(sh('A=1; f() { echo f; }; unset A; unset -f f; echo "[$A]"; f').stderr).toBe('sh: f: not found\n');
  });
  it('protects readonly variables', () => {
    expect(sh('readonly R=1; R=2; echo $R')).toMatchObject({ stdout: '1\n', stderr: 'sh: R: is read only\n' });
  });
  it('prints exported variables with export -p', () => {
    expect(sh('export Z=1', { env: {} }).exitCode).toBe(0);
    expect(sh('export -p', { env: { A: "it's" } }).stdout).toContain("export A='it'\\''s'\n");
  });
  it('fails on an unset variable with set -u', () => {
    expect(sh('set -u; echo $NOPE; echo no')).toMatchObject({ exitCode: 2, stderr: 'sh: NOPE: parameter not set\n' });
  });
  it('names $0 after sh -c and the script', () => {
    expect(sh(`sh -c 'echo $0 $1 $#' name one; echo $0`).stdout).toBe('name one 1\nsh\n');
  });
});

describe('read', () => {
  it('splits on IFS into names, the last taking the rest', () => {
    expect(sh('echo "a b c d" | { read x y; echo "$x|$y"; }').stdout).toBe('a|b c d\n');
    expect(sh('echo "a:b" | { IFS=: read x y; echo "$x $y"; }').stdout).toBe('a b\n');
  });
  it('keeps backslashes with -r and returns 1 at end of input', () => {
    expect(sh(`printf '%s' 'a\\tb' | { read -r x; echo "$x $?"; read y; echo $?; }`).stdout).toBe('a\\tb 1\n1\n');
  });
  it('reads into REPLY by default', () => {
    expect(sh('echo hi | { read; echo $REPLY; }').stdout).toBe('hi\n');
  });
  it('reads the process stdin', () => {
    expect(sh('read a; read b; echo "$b $a"', { stdin: 'one\ntwo\n' }).stdout).toBe('two one\n');
  });
});

describe('script files and sourcing', () => {
  it('runs sh FILE with arguments and names the script in errors', () => {
    const fs = busyboxFs({ extra: [['/s.sh', textFile('echo "$0 $1"\nnosuch\n')]] });
    expect(sh('sh /s.sh arg', {}, fs)).toMatchObject({ stdout: '/s.sh arg\n', stderr: '/s.sh: line 2: nosuch: not found\n' });
  });
  it('reports a missing script', () => {
    expect(sh('sh /nope.sh; echo $?')).toMatchObject({ stdout: '2\n', stderr: "sh: can't open '/nope.sh': No such file or directory\n" });
  });
  it('reads commands from stdin when sh has no arguments', () => {
    expect(sh('echo "echo from-stdin" | sh').stdout).toBe('from-stdin\n');
  });
  it('sources a file into the current shell', () => {
    const fs = busyboxFs({ extra: [['/env.sh', textFile('X=sourced\nf() { echo fn; }\n')]] });
    expect(sh('. /env.sh; echo $X; f', {}, fs).stdout).toBe('sourced\nfn\n');
  });
  it('runs an exec-form script without #! as a format error', () => {
    const fs = busyboxFs({ extra: [['/run', textFile('echo hi\n', 0o755)]] });
    expect(runArgv(['/run'], processIO(fs))).toMatchObject({ exitCode: 126, notExecutable: true });
  });
  it('runs an exec-form script with #!', () => {
    const fs = busyboxFs({ extra: [['/entry.sh', textFile('#!/bin/sh\necho "entry $@"\nexec "$@"\n', 0o755)]] });
    expect(runArgv(['/entry.sh', 'echo', 'replaced'], processIO(fs))).toMatchObject({ exitCode: 0, stdout: 'entry echo replaced\nreplaced\n' });
  });
});

describe('redirection errors by shell', () => {
  it('uses dash wording and status 2', () => {
    expect(sh('echo x > /nope/f; echo $?', { flavor: 'dash' })).toMatchObject({ stdout: '2\n', stderr: '/bin/sh: 1: cannot create /nope/f: Directory nonexistent\n' });
  });
  it('uses bash wording', () => {
    expect(sh('cat < /nope', { flavor: 'bash' }).stderr).toBe('bash: line 1: /nope: No such file or directory\n');
  });
  it('reports writing to a directory', () => {
    expect(sh('echo x > /tmp').stderr).toBe("sh: can't create /tmp: Is a directory\n");
  });
});

describe('listing permissions', () => {
  it('refuses to list a directory without read permission', () => {
    expect(sh('ls /root', { uid: 1000, gid: 1000 })).toMatchObject({ exitCode: 1, stderr: "ls: can't open '/root': Permission denied\n" });
  });
});

describe('account tools', () => {
  it('adds a group and a system user the Alpine way', () => {
    const r = sh('addgroup -S app && adduser -S -G app app && grep app /etc/passwd /etc/group && id app');
    expect(r.stdout).toBe('/etc/passwd:app:x:100:100:Linux User,,,:/home/app:/sbin/nologin\n/etc/group:app:x:100:\nuid=100(app) gid=100(app) groups=100(app)\n');
    expect(r.fs.stat('/home/app')).toMatchObject({ type: 'dir', uid: 100, gid: 100 });
  });
  it('adds a normal user with its own group and home (busybox adduser -D)', () => {
    const r = sh('adduser -D dev && tail -n 1 /etc/passwd && ls -ld /home/dev');
    expect(r.stdout).toBe('dev:x:1000:1000:Linux User,,,:/home/dev:/bin/sh\ndrwxr-xr-x    2 dev      dev           4096 Nov 14 22:13 /home/dev\n');
  });
  it('adds users with useradd and groupadd, home only with -m', () => {
    const r = sh('groupadd -r svc && useradd -r -g svc -s /usr/sbin/nologin svc && useradd -m -u 1500 alice && useradd bob && tail -n 3 /etc/passwd && ls /home');
    expect(r.stdout).toBe('svc:x:999:999::/home/svc:/usr/sbin/nologin\nalice:x:1500:1500::/home/alice:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\nalice\n');
  });
  it('accepts Debian adduser options and prints its progress', () => {
    const r = sh('adduser --disabled-password --gecos "" app');
    expect(r.stdout).toBe("Adding group `app' (GID 1000) ...\nAdding user `app' (1000) with group `app' ...\nCreating home directory `/home/app' ...\nCopying files from `/etc/skel' ...\n");
    expect(r.fs.readFile('/etc/passwd').length).toBeGreaterThan(0);
  });
  it('refuses duplicates and non-root callers', () => {
    expect(sh('useradd root; echo $?')).toMatchObject({ stdout: '9\n', stderr: "useradd: user 'root' already exists\n" });
    expect(sh('adduser -D x', { uid: 1000, gid: 1000 })).toMatchObject({ exitCode: 1, stderr: 'adduser: permission denied (are you root?)\n' });
  });
});
