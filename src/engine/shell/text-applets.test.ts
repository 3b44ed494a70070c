import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runShell, type ProcessIO } from './index.js';
import { busyboxFs, processIO, TEST_NOW } from './testing.js';

function sh(script: string, over: Partial<ProcessIO> = {}) {
  const fs = busyboxFs();
  return { ...runShell(script, processIO(fs, over)), fs };
}
const out = (script: string, over: Partial<ProcessIO> = {}) => sh(script, over).stdout;

/** Quotes a string for sh so that it is one word with exactly this text. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('echo and printf', () => {
  it('echo: -n drops the newline, -e interprets escapes, plain echo keeps them', () => {
    expect(out('echo -n a; echo b; echo "x\\ty"; echo -e "x\\ty\\n\\\\"; echo -e "stop\\cnever"; echo -ne "\\x41\\0102"')).toBe('ab\nx\\ty\nx\ty\n\\\nstopAB');
  });
  it('echo: dash interprets escapes always and prints -e', () => {
    expect(out('echo -e "a\\tb"', { flavor: 'dash' })).toBe('-e a\tb\n');
  });
  it('printf: conversions, widths and precision', () => {
    expect(out(`printf '%s|%5s|%-5s|%.2s|%d|%05d|%x|%X|%o|%c|%%|%b\\n' str ab ab abc 42 -7 255 255 8 xyz 'a\\tb'`)).toBe('str|   ab|ab   |ab|42|-0007|ff|FF|10|x|%|a\tb\n');
  });
  it('printf: reuses the format for extra arguments and fills missing ones', () => {
    expect(out(`printf '%s=%d\\n' a 1 b 2 c`)).toBe('a=1\nb=2\nc=0\n');
  });
  it('printf: reports an invalid number with exit 1', () => {
    expect(sh(`printf '%d\\n' abc`)).toMatchObject({ stdout: '0\n', stderr: "printf: invalid number 'abc'\n", exitCode: 1 });
  });
  it('printf: character codes and floats', () => {
    expect(out(`printf '%d %.2f %e\\n' "'A" 3.14159 12345`)).toBe('65 3.14 1.234500e+04\n');
  });
  it('round-trips any quoted word through echo', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '"', "'", '$', '`', '\\', '*', '?', '[', ']', '~', '#', ';', '&', '|', '<', '>', '(', ')', '{', '}', '=', '!', '%', '\n', 'é') }), (s) => {
        // echo without -e and with a leading x so the word is never an option
        expect(out(`echo ${shQuote('x' + s)}`)).toBe('x' + s + '\n');
      }),
      { numRuns: 150 },
    );
  });
  it('round-trips double-quoted words through printf %s', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', "'", '*', '~', '#', ';', '|', '\t', 'b') }), (s) => {
        expect(out(`printf '%s' "${s}"`)).toBe(s);
      }),
      { numRuns: 100 },
    );
  });
});

describe('test and [', () => {
  it('tests files', () => {
    const r = out('touch /tmp/e; echo x > /tmp/s; chmod 755 /tmp/s; ln -s /tmp/s /tmp/l; for t in -e -f -d -s -x -r -w -L; do for f in /tmp/e /tmp/s /tmp /tmp/l /nope; do [ $t $f ] && printf 1 || printf 0; done; echo; done');
    expect(r).toBe('11110\n11010\n00100\n01110\n01110\n11110\n11110\n00010\n');
  });
  it('tests strings and integers, with ! -a -o', () => {
    const r = out('for e in "-z \'\'" "-n x" "a = a" "a != b" "1 -eq 1" "2 -ne 2" "1 -lt 2" "3 -gt 4" "2 -le 2" "2 -ge 3" "! -z x" "-n x -a -z x" "-n x -o -z x"; do eval "test $e" && printf 1 || printf 0; done');
    expect(r).toBe('1111101010101');
  });
  it('reports a missing ] and a bad number with status 2', () => {
    expect(sh('[ 1 = 1; echo $?')).toMatchObject({ stdout: '2\n', stderr: 'sh: missing ]\n' });
    expect(sh('[ a -eq 1 ]; echo $?')).toMatchObject({ stdout: '2\n', stderr: 'sh: a: bad number\n' });
  });
});

describe('text applets', () => {
  it('cat concatenates and numbers lines, and reports missing files', () => {
    const r = sh('echo a > /1; echo b > /2; cat /1 /2; cat -n /2; cat /data.txt; echo $?');
    expect(r.stdout).toBe('a\nb\n     1\tb\n1\n');
    expect(r.stderr).toBe("cat: can't open '/data.txt': No such file or directory\n");
  });
  it('cat reads stdin and -', () => {
    expect(out('echo in | cat /etc/hostname - /etc/hostname')).toBe('test\nin\ntest\n');
  });
  it('head and tail take lines and bytes', () => {
    expect(out('seq 10 > /n; head -n 3 /n; head -2 /n; tail -n 2 /n; tail -n +9 /n; head -c 3 /n; echo; tail -c 3 /n')).toBe('1\n2\n3\n1\n2\n9\n10\n9\n10\n1\n2\n10\n');
  });
  it('head prints headers for several files', () => {
    expect(out('echo a > /a; echo b > /b; head -n 1 /a /b')).toBe('==> /a <==\na\n\n==> /b <==\nb\n');
  });
  it('wc counts like busybox: one count unpadded, several in columns', () => {
    expect(out('printf "a b\\nc\\n" > /f; wc -l /f; wc -w < /f; wc -c /f; wc /f; cat /f | wc')).toBe('2 /f\n3\n6 /f\n        2         3         6 /f\n        2         3         6\n');
  });
  it('sort orders with -r -n -u and fields', () => {
    expect(out('printf "b\\na\\nc\\na\\n" | sort; printf "10\\n9\\n100\\n" | sort -n; printf "x\\ny\\n" | sort -r; printf "b\\na\\nb\\n" | sort -u; printf "x 2\\ny 1\\n" | sort -k 2')).toBe('a\na\nb\nc\n9\n10\n100\ny\nx\na\nb\ny 1\nx 2\n');
  });
  it('uniq collapses and counts runs', () => {
    expect(out('printf "a\\na\\nb\\n" | uniq; printf "a\\na\\nb\\n" | uniq -c')).toBe('a\nb\n      2 a\n      1 b\n');
  });
  it('grep matches with -i -v -c -n -q -E and exits 1 without a match', () => {
    const r = sh('printf "apple\\nBanana\\ncherry\\n" > /f; grep an /f; grep -i an /f; grep -v a /f; grep -c a /f; grep -n err /f; grep -q zzz /f; echo $?; grep -E "^(a|c)" /f; grep "ch\\(er\\)" /f');
    expect(r.stdout).toBe('Banana\nBanana\ncherry\n2\n3:cherry\n1\napple\ncherry\ncherry\n');
  });
  it('grep names files when given several, and reports missing ones with status 2', () => {
    const r = sh('echo x > /a; echo x > /b; grep x /a /b; grep x /nope; echo $?');
    expect(r.stdout).toBe('/a:x\n/b:x\n2\n');
    expect(r.stderr).toBe('grep: /nope: No such file or directory\n');
  });
  it('grep searches recursively with -r and lists files with -l', () => {
    expect(out('mkdir -p /s/d; echo hit > /s/d/f; echo no > /s/g; grep -r hit /s; grep -rl hit /s')).toBe('/s/d/f:hit\n/s/d/f\n');
  });
  it('sed substitutes, deletes and prints, and edits in place', () => {
    const r = sh('printf "a-a\\nb-b\\n" > /f; sed "s/-/+/" /f; sed "s/-/+/g" /f; sed -n "2p" /f; sed "/a/d" /f; sed -e "s/\\(a\\)-/\\1=/" /f; sed -i "s/b/B/g" /f; cat /f; echo x | sed "s/x/[&]/"');
    expect(r.stdout).toBe('a+a\nb+b\na+a\nb+b\nb-b\nb-b\na=a\nb-b\na-a\nB-B\n[x]\n');
  });
  it('tr translates, deletes and squeezes', () => {
    expect(out('echo hello | tr a-z A-Z; echo hello | tr -d l; echo "a  b" | tr -s " "; echo abc | tr "[:lower:]" "[:upper:]"')).toBe('HELLO\nheo\na b\nABC\n');
  });
  it('cut selects fields and characters', () => {
    expect(out('echo "a:b:c" | cut -d: -f2; echo "a:b:c" | cut -d: -f1,3; echo abcdef | cut -c2-4; cut -d: -f1 /etc/passwd')).toBe('b\na:c\nbcd\nroot\nnobody\n');
  });
  it('tee writes to files and stdout, appending with -a', () => {
    const r = sh('echo one | tee /t; echo two | tee -a /t > /dev/null; cat /t');
    expect(r.stdout).toBe('one\none\ntwo\n');
  });
});

describe('small utilities', () => {
  it('basename and dirname', () => {
    expect(out('basename /a/b.txt; basename /a/b.txt .txt; basename /a/b/; dirname /a/b.txt; dirname b; dirname /')).toBe('b.txt\nb\nb\n/a\n.\n/\n');
  });
  it('seq counts with steps, width and separators', () => {
    expect(out('seq 3; seq 2 4; seq 10 -5 1; seq -w 8 10; seq -s, 3')).toBe('1\n2\n3\n2\n3\n4\n10\n5\n08\n09\n10\n1,2,3\n');
  });
  it('expr does arithmetic, comparisons, length and matches', () => {
    const r = sh('expr 1 + 2 \\* 3; expr 7 / 2; expr 3 \\> 2; expr length abc; expr abc : "a\\(.\\)"; expr 0; echo $?; expr 1 +; echo $?');
    expect(r.stdout).toBe('7\n3\n1\n3\nb\n0\n1\n2\n');
    expect(r.stderr).toBe('expr: syntax error\n');
  });
  it('xargs runs a program with input words', () => {
    expect(out('printf "a b\\nc" | xargs echo got; printf "1\\n2\\n" | xargs -n 1 echo n; printf "x\\ny\\n" | xargs -I{} echo "<{}>"')).toBe('got a b c\nn 1\nn 2\n<x>\n<y>\n');
  });
  it('xargs reports a missing program with 127', () => {
    expect(sh('echo a | xargs nosuch; echo $?')).toMatchObject({ stdout: '127\n', stderr: 'xargs: nosuch: No such file or directory\n' });
  });
  it('env prints the environment and runs programs with changes', () => {
    expect(out('env -i A=1 env; env B=2 sh -c \'echo $B\'', { env: { PATH: '/bin', HOME: '/root' } })).toBe('A=1\n2\n');
    expect(sh('env nosuch').stderr).toBe("env: can't execute 'nosuch': No such file or directory\n");
  });
  it('date prints the clock in UTC with formats', () => {
    expect(out('date; date +%Y-%m-%dT%H:%M:%S; date -d @0 +%s; date +%s')).toBe(`Tue Nov 14 22:13:20 UTC 2023\n2023-11-14T22:13:20\n0\n${TEST_NOW}\n`);
  });
  it('uname, hostname, nproc and arch describe the machine', () => {
    expect(out('uname; uname -m; uname -s -r; uname -a', { hostname: 'abc.example' })).toBe('Linux\nx86_64\nLinux 6.1.0-layerlab\nLinux abc.example 6.1.0-layerlab #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n');
    expect(out('hostname; hostname -s; nproc', { hostname: 'abc.example' })).toBe('abc.example\nabc\n4\n');
  });
  it('ps lists the shell as PID 1 and itself', () => {
    expect(out('ps')).toMatch(/^PID {3}USER {5}TIME {2}COMMAND\n {4}1 root {6}0:00 sh -c ps\n +\d+ root {6}0:00 ps\n$/);
  });
  it('sleep returns at once and rejects bad numbers', () => {
    expect(sh('sleep 1000; echo done')).toMatchObject({ stdout: 'done\n' });
    expect(sh('sleep x')).toMatchObject({ exitCode: 1, stderr: "sleep: invalid number 'x'\n" });
  });
  it('network tools fail as without a network', () => {
    const r = sh('wget -q -O - http://example.com/x; echo $?; curl -fsSL https://get.example.org/install.sh; echo $?; curl -s https://example.com; nc example.com 80; echo $?');
    expect(r.stdout).toBe('1\n6\n1\n');
    expect(r.stderr).toBe("wget: bad address 'example.com'\ncurl: (6) Could not resolve host: get.example.org\nnc: bad address 'example.com'\n");
  });
  it('checksums files and stdin', () => {
    expect(out('printf abc > /f; sha256sum /f; printf abc | md5sum; printf abc | sha1sum')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  /f\n900150983cd24fb0d6963f7d28e17f72  -\na9993e364706816aba3e25717850c26c9cd0d89d  -\n',
    );
  });
  it('mktemp creates unique files and directories', () => {
    const r = sh('a=$(mktemp); b=$(mktemp); d=$(mktemp -d); [ -f $a ] && [ -f $b ] && [ $a != $b ] && [ -d $d ] && echo ok; stat -c %a $a $d');
    expect(r.stdout).toBe('ok\n600\n700\n');
  });
  it('base64 encodes and decodes', () => {
    expect(out('printf hello | base64; echo aGVsbG8= | base64 -d')).toBe('aGVsbG8=\nhello');
  });
});
