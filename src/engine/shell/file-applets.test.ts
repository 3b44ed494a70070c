import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../hash.js';
import { runShell, type ProcessIO } from './index.js';
import { busyboxFs, processIO, TEST_NOW } from './testing.js';

function sh(script: string, over: Partial<ProcessIO> = {}) {
  const fs = busyboxFs();
  const r = runShell(script, processIO(fs, over));
  return { ...r, fs, read: (p: string) => fromUtf8(fs.readFile(p)) };
}

describe('mkdir and rmdir', () => {
  it('creates directories, with parents and a mode', () => {
    const r = sh('mkdir /a && mkdir -p /b/c/d && mkdir -m 700 /e && mkdir -p /b/c && stat -c "%a %n" /a /b/c/d /e');
    expect(r.stdout).toBe('755 /a\n755 /b/c/d\n700 /e\n');
  });
  it('reports an existing directory and a missing parent', () => {
    expect(sh('mkdir /tmp; echo $?')).toMatchObject({ stdout: '1\n', stderr: "mkdir: can't create directory '/tmp': File exists\n" });
    expect(sh('mkdir /x/y').stderr).toBe("mkdir: can't create directory '/x/y': No such file or directory\n");
  });
  it('removes empty directories only', () => {
    const r = sh('mkdir -p /a/b; rmdir /a; rmdir /a/b && rmdir /a && echo gone; rmdir /nope');
    expect(r.stdout).toBe('gone\n');
    expect(r.stderr).toBe("rmdir: '/a': Directory not empty\nrmdir: '/nope': No such file or directory\n");
  });
});

describe('touch', () => {
  it('creates a file and updates the mtime of an existing one', () => {
    const r = sh('touch /new && touch /etc/passwd && stat -c "%s %Y" /new /etc/passwd');
    expect(r.stdout).toBe(`0 ${TEST_NOW}\n75 ${TEST_NOW}\n`);
  });
  it('does not create with -c and sets a given date with -d', () => {
    const r = sh('touch -c /nofile; ls /nofile 2>/dev/null || echo absent; touch -d "2020-01-02 03:04:05" /t; stat -c %Y /t');
    expect(r.stdout).toBe('absent\n1577934245\n');
  });
});

describe('rm', () => {
  it('removes files and trees', () => {
    const r = sh('mkdir -p /d/e && touch /d/e/f /g && rm /g && rm -rf /d && ls /d /g');
    expect(r.stderr).toBe('ls: /d: No such file or directory\nls: /g: No such file or directory\n');
  });
  it('reports missing files unless -f', () => {
    expect(sh('rm /x; echo $?')).toMatchObject({ stdout: '1\n', stderr: "rm: can't remove '/x': No such file or directory\n" });
    expect(sh('rm -f /x; echo $?')).toMatchObject({ stdout: '0\n', stderr: '' });
  });
  it('refuses a directory without -r', () => {
    expect(sh('rm /tmp').stderr).toBe("rm: '/tmp' is a directory\n");
  });
  it('records the deletion of a lower-layer file as a whiteout', () => {
    const r = sh('rm /etc/hostname');
    expect(r.fs.diff().entries.get('/etc/hostname')).toEqual({ type: 'whiteout' });
  });
});

describe('cp, mv and ln', () => {
  it('copies a file, into a directory, and keeps the source', () => {
    const r = sh('cp /etc/hostname /h && mkdir /d && cp /etc/hostname /etc/group /d && ls /d && cat /h');
    expect(r.stdout).toBe('group\nhostname\ntest\n');
  });
  it('copies trees with -r and preserves mode and times with -a', () => {
    const r = sh('mkdir -p /s/sub && echo x > /s/sub/f && chmod 600 /s/sub/f && touch -d @100 /s/sub/f && cp -r /s /r1 && cp -a /s /r2 && stat -c "%a %Y %n" /r1/sub/f /r2/sub/f');
    expect(r.stdout).toBe(`600 ${TEST_NOW} /r1/sub/f\n600 100 /r2/sub/f\n`);
  });
  it('copies /dev/null to truncate a file', () => {
    expect(sh('echo data > /f && cp /dev/null /f && stat -c %s /f').stdout).toBe('0\n');
  });
  it('omits directories without -r and reports a missing source', () => {
    expect(sh('cp /etc /x; cp /nope /x').stderr).toBe("cp: omitting directory '/etc'\ncp: can't stat '/nope': No such file or directory\n");
  });
  it('keeps modelled content as size and digest when copying', () => {
    const r = sh('dd if=/dev/zero of=/big bs=1M count=3 2>/dev/null && cp /big /copy && stat -c %s /copy');
    expect(r.stdout).toBe('3145728\n');
    expect(r.fs.stat('/copy')!.digest).toBe(r.fs.stat('/big')!.digest);
  });
  it('moves and renames files and directories', () => {
    const r = sh('echo a > /a && mv /a /b && mkdir /d && mv /b /d && ls /d && mv /d /e && ls /e; mv /nope /x');
    expect(r.stdout).toBe('b\nb\n');
    expect(r.stderr).toBe("mv: can't rename '/nope': No such file or directory\n");
  });
  it('makes symbolic and hard links, replacing with -f', () => {
    const r = sh('ln -s /etc/hostname /l && cat /l && readlink /l && ln -s /etc/group /l; ln -sf /etc/group /l && readlink /l && ln /etc/passwd /p && cat /p | head -n 1');
    expect(r.stdout).toBe('test\n/etc/hostname\n/etc/group\nroot:x:0:0:root:/root:/bin/sh\n');
    expect(r.stderr).toBe('ln: /l: File exists\n');
  });
  it('resolves links with readlink -f and realpath', () => {
    expect(sh('ln -s /etc /e; readlink -f /e/passwd; realpath /e/../tmp; realpath /nope').stdout).toBe('/etc/passwd\n/tmp\n');
  });
});

describe('chmod, chown and chgrp', () => {
  it('sets octal and symbolic modes', () => {
    const r = sh('touch /f; chmod 640 /f; stat -c %a /f; chmod u+x,go-r /f; stat -c %A /f; chmod a=r /f; stat -c %a /f; chmod +x /f; stat -c %a /f; chmod -w /f; stat -c %a /f');
    expect(r.stdout).toBe('640\n-rwx------\n444\n555\n555\n');
  });
  it('changes modes recursively and rejects bad modes', () => {
    expect(sh('mkdir -p /d/e && touch /d/e/f && chmod -R 700 /d && stat -c %a /d/e/f').stdout).toBe('700\n');
    expect(sh('chmod zz /tmp').stderr).toBe("chmod: invalid mode 'zz'\n");
    expect(sh('chmod 600 /nope').stderr).toBe('chmod: /nope: No such file or directory\n');
  });
  it('changes owners by id, name and user:group, recursively with -R', () => {
    const r = sh('mkdir -p /h/a && touch /h/a/f && chown 1000:1000 /h && stat -c "%u:%g" /h; chown -R nobody:nobody /h && stat -c "%U:%G %u" /h/a/f; chgrp root /h && stat -c %G /h; chown 5 /h && stat -c "%u:%g" /h');
    expect(r.stdout).toBe('1000:1000\nnobody:nobody 65534\nroot\n5:0\n');
  });
  it('reports unknown users and groups', () => {
    expect(sh('chown ghost /tmp').stderr).toBe('chown: unknown user ghost\n');
    expect(sh('chown root:ghosts /tmp').stderr).toBe('chown: unknown group ghosts\n');
  });
});

describe('ls', () => {
  it('lists one name per line, sorted, hiding dotfiles', () => {
    expect(sh('ls /').stdout).toBe('bin\ndev\netc\nhome\nproc\nroot\nsys\ntmp\nusr\n');
    expect(sh('touch /tmp/.h /tmp/b /tmp/A; ls /tmp; ls -a /tmp; ls -A /tmp').stdout).toBe('A\nb\n.\n..\n.h\nA\nb\n.h\nA\nb\n');
  });
  it('lists . and .. of an empty directory with -a', () => {
    expect(sh('mkdir /data; ls -a /data').stdout).toBe('.\n..\n');
  });
  it('prints the long format with owner names, sizes and dates', () => {
    const r = sh('echo 12345 > /tmp/five && chown nobody /tmp/five && ln -s five /tmp/l && ls -l /tmp');
    expect(r.stdout).toBe(
      'total 4\n' +
        '-rw-r--r--    1 nobody   root             6 Nov 14 22:13 five\n' +
        'lrwxrwxrwx    1 root     root             4 Nov 14 22:13 l -> five\n',
    );
  });
  it('shows numeric ids with -n, human sizes with -h, directories themselves with -d', () => {
    const r = sh('dd if=/dev/zero of=/tmp/z bs=1024 count=2048 2>/dev/null; ls -lh /tmp/z; ls -ln /etc/passwd; ls -ld /tmp');
    expect(r.stdout).toBe(
      '-rw-r--r--    1 root     root        2.0M Nov 14 22:13 /tmp/z\n' +
        '-rw-r--r--    1 0        0               75 Jan  1  1970 /etc/passwd\n' +
        'drwxrwxrwt    2 root     root          4096 Jan  1  1970 /tmp\n',
    );
  });
  it('lists recursively with -R and several operands with headers', () => {
    const r = sh('mkdir -p /r/s && touch /r/f /r/s/g && ls -R /r && ls /r/s /r/f');
    expect(r.stdout).toBe('/r:\nf\ns\n\n/r/s:\ng\n/r/f\n\n/r/s:\ng\n');
  });
  it('reports a missing path and exits 1', () => {
    expect(sh('ls /nope; echo $?')).toMatchObject({ stdout: '1\n', stderr: 'ls: /nope: No such file or directory\n' });
  });
});

describe('find', () => {
  it('prints a directory before its entries', () => {
    const r = sh('mkdir -p /app/src && touch /app/src/a.js /app/b.txt && find /app');
    expect(r.stdout).toBe('/app\n/app/b.txt\n/app/src\n/app/src/a.js\n');
  });
  it('filters by -name, -type, -maxdepth and -mindepth', () => {
    const r = sh('mkdir -p /app/src && touch /app/src/a.js /app/b.txt && find /app -name "*.js"; find /app -type d; find /app -maxdepth 1 -mindepth 1 -type f');
    expect(r.stdout).toBe('/app/src/a.js\n/app\n/app/src\n/app/b.txt\n');
  });
  it('combines tests with ! and -o, and runs -exec and -delete', () => {
    const r = sh('mkdir /f && touch /f/a.pyc /f/b.py /f/c.txt && find /f -type f ! -name "*.txt"; find /f -name "*.txt" -o -name "*.py"; find /f -name "*.pyc" -exec rm {} \\; ; find /f -name c.txt -delete; ls /f');
    expect(r.stdout).toBe('/f/a.pyc\n/f/b.py\n/f/b.py\n/f/c.txt\nb.py\n');
  });
  it('reports a missing start path', () => {
    expect(sh('find /nope; echo $?')).toMatchObject({ stdout: '1\n', stderr: 'find: /nope: No such file or directory\n' });
  });
});

describe('stat', () => {
  it('formats with -c', () => {
    const r = sh('echo hello world! > /data.txt && chmod 755 /data.txt && stat -c "%a %s %n" /data.txt && stat -c "%A %U %G %u %g %F %h" /data.txt /tmp');
    expect(r.stdout).toBe('755 13 /data.txt\n-rwxr-xr-x root root 0 0 regular file 1\ndrwxrwxrwt root root 0 0 directory 2\n');
  });
  it('prints times in UTC and reports a missing file', () => {
    expect(sh('touch /t && stat -c "%Y %y" /t').stdout).toBe(`${TEST_NOW} 2023-11-14 22:13:20.000000000 +0000\n`);
    expect(sh('stat /nope').stderr).toBe("stat: can't stat '/nope': No such file or directory\n");
  });
  it('does not follow a symlink unless -L', () => {
    expect(sh('ln -s /etc/passwd /l; stat -c %F /l; stat -L -c %F /l').stdout).toBe('symbolic link\nregular file\n');
  });
});

describe('dd', () => {
  it('makes a 262144-byte file from /dev/zero and prints the two records lines', () => {
    const r = sh('dd if=/dev/zero of=/f bs=1024 count=256');
    expect(r).toMatchObject({ exitCode: 0, stdout: '', stderr: '256+0 records in\n256+0 records out\n' });
    expect(r.fs.stat('/f')!.size).toBe(262144);
    expect(r.fs.readFile('/f').every((b) => b === 0)).toBe(true);
  });
  it('writes large outputs as modelled content with a stable digest', () => {
    const a = sh('dd if=/dev/zero of=/big bs=1M count=100');
    const b = sh('dd if=/dev/zero of=/big bs=1M count=100');
    expect(a.stderr).toBe('100+0 records in\n100+0 records out\n');
    expect(a.fs.stat('/big')!.size).toBe(100 << 20);
    expect(a.fs.stat('/big')!.digest).toBe(b.fs.stat('/big')!.digest);
  });
  it('produces the same /dev/urandom bytes every time', () => {
    expect(sh('dd if=/dev/urandom of=/r bs=16 count=1 status=none && sha256sum /r').stdout).toBe(sh('dd if=/dev/urandom of=/r bs=16 count=1 status=none && sha256sum /r').stdout);
  });
  it('copies part of a file with skip, count and partial records', () => {
    const r = sh('printf 0123456789 > /in && dd if=/in of=/out bs=4 skip=1 count=1 && cat /out; echo; dd if=/in of=/o2 bs=4');
    expect(r.stdout).toBe('4567\n');
    expect(r.stderr).toBe('1+0 records in\n1+0 records out\n2+1 records in\n2+1 records out\n');
  });
});

describe('du and df', () => {
  it('sums 4K blocks per file', () => {
    expect(sh('mkdir /d && dd if=/dev/zero of=/d/f bs=5000 count=1 2>/dev/null && du -s /d && du -sh /d && du /d').stdout).toBe('12\t/d\n12.0K\t/d\n12\t/d\n');
  });
  it('prints a static df table', () => {
    expect(sh('df').stdout.split('\n')[0]).toBe('Filesystem           1K-blocks      Used Available Use% Mounted on');
  });
});

describe('tar', () => {
  it('creates, lists and extracts uncompressed archives', () => {
    const r = sh('mkdir -p /src/sub && echo a > /src/a && echo b > /src/sub/b && cd /src && tar -cf /t.tar a sub && tar -tf /t.tar && mkdir /dst && tar -xf /t.tar -C /dst && cat /dst/a /dst/sub/b');
    expect(r.stdout).toBe('a\nsub/\nsub/b\na\nb\n');
  });
  it('handles gzip with -z', () => {
    const r = sh('echo zipped > /z && tar czf /z.tgz z && rm /z && tar xzf /z.tgz && cat /z');
    expect(r.stdout).toBe('zipped\n');
  });
});
