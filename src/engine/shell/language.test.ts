import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../hash.js';
import { runShell, type ProcessIO } from './index.js';
import { busyboxFs, processIO } from './testing.js';

function sh(script: string, over: Partial<ProcessIO> = {}) {
  const fs = busyboxFs();
  const r = runShell(script, processIO(fs, over));
  return { ...r, fs, read: (p: string) => fromUtf8(fs.readFile(p)) };
}

describe('quoting and expansion', () => {
  it('keeps single-quoted text literal', () => {
    expect(sh(`echo '$HOME *' "a'b"`).stdout).toBe("$HOME * a'b\n");
  });
  it('expands variables inside double quotes but not in single quotes', () => {
    expect(sh(`X=1; echo "x=$X" 'x=$X' x=\${X}`).stdout).toBe('x=1 x=$X x=1\n');
  });
  it('applies backslash escapes outside and inside double quotes', () => {
    expect(sh(`echo a\\ b "c\\"d" "e\\$f" "g\\h"`).stdout).toBe('a b c"d e$f g\\h\n');
  });
  it('supports default, alternative and length forms of ${}', () => {
    const r = sh('unset U; E=; S=set; echo "${U:-d1} ${E:-d2} ${E-d3} ${S:+alt} ${U:+alt} ${#S}"');
    expect(r.stdout).toBe('d1 d2  alt  3\n');
  });
  it('assigns a default with ${X:=v}', () => {
    expect(sh('echo ${X:=v}; echo $X').stdout).toBe('v\nv\n');
  });
  it('fails the shell for ${X:?msg} with busybox wording', () => {
    const r = sh('echo ${NOPE:?is required}; echo after');
    expect(r.stderr).toBe('sh: NOPE: is required\n');
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(2);
  });
  it('removes prefixes and suffixes with # ## % %%', () => {
    expect(sh('f=/a/b/c.tar.gz; echo ${f#*/} ${f##*/} ${f%.*} ${f%%.*}').stdout).toBe('a/b/c.tar.gz c.tar.gz /a/b/c.tar /a/b/c\n');
  });
  it('replaces with ${x/a/b} and ${x//a/b}', () => {
    expect(sh('x=a-b-c; echo ${x/-/+} ${x//-/+}').stdout).toBe('a+b-c a+b+c\n');
  });
  it('expands special parameters', () => {
    const r = sh('set -- a "b c"; echo $# $1 "$2"; for x in "$@"; do echo "[$x]"; done; echo "$*"; false; echo $?; echo $$');
    expect(r.stdout).toBe('2 a b c\n[a]\n[b c]\na b c\n1\n1\n');
  });
  it('gives "$@" no field when there are no parameters', () => {
    expect(sh('for a in "$@"; do echo x; done; echo done').stdout).toBe('done\n');
  });
  it('substitutes commands with $() and backquotes, stripping trailing newlines', () => {
    expect(sh('a=$(echo hi; echo there); b=`echo x`; echo "$a|$b"').stdout).toBe('hi\nthere|x\n');
  });
  it('nests command substitutions and quotes inside them', () => {
    expect(sh(`echo "$(echo "$(echo 'in ner')")"`).stdout).toBe('in ner\n');
  });
  it('evaluates arithmetic with precedence, comparisons and variables', () => {
    expect(sh('i=7; echo $((1+2*3)) $((i%4)) $(( (i+1)/2 )) $((i>5)) $((i==7 && 0)) $((-i)) $((0x10)) $((010))').stdout).toBe('7 3 4 1 0 -7 16 8\n');
  });
  it('counts in a loop with $((i+1))', () => {
    expect(sh('i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i').stdout).toBe('3\n');
  });
  it('reports division by zero', () => {
    const r = sh('echo $((1/0))');
    expect(r.stderr).toBe('sh: divide by zero\n');
    expect(r.exitCode).toBe(2);
  });
  it('splits unquoted expansions on IFS but not quoted ones', () => {
    expect(sh('x="a  b"; for w in $x; do echo "<$w>"; done; for w in "$x"; do echo "<$w>"; done').stdout).toBe('<a>\n<b>\n<a  b>\n');
    expect(sh('IFS=:; p=a:b::c; for w in $p; do echo "<$w>"; done').stdout).toBe('<a>\n<b>\n<>\n<c>\n');
  });
  it('expands ~ to $HOME', () => {
    expect(sh('echo ~ ~/x "~"').stdout).toBe('/root /root/x ~\n');
  });
  it('globs against the filesystem, sorted, and keeps unmatched patterns literal', () => {
    const r = sh('mkdir /g; touch /g/b.txt /g/a.txt /g/c.log /g/.hidden; echo /g/*.txt; echo /g/?.log; echo /g/[ab]*; echo /g/*.none; echo "/g/*"; cd /g && echo *');
    expect(r.stdout).toBe('/g/a.txt /g/b.txt\n/g/c.log\n/g/a.txt /g/b.txt\n/g/*.none\n/g/*\na.txt b.txt c.log\n');
  });
  it('expands braces in bash but keeps them literal in sh', () => {
    expect(sh('echo /app/{src,dist} x{1..3}').stdout).toBe('/app/{src,dist} x{1..3}\n');
    expect(sh('echo /app/{src,dist} x{1..3} "{a,b}"', { flavor: 'bash' }).stdout).toBe('/app/src /app/dist x1 x2 x3 {a,b}\n');
  });
  it('does not glob with set -f', () => {
    expect(sh('set -f; echo /b*').stdout).toBe('/b*\n');
  });
});

describe('operators and exit codes', () => {
  it('runs && only after success and || only after failure', () => {
    expect(sh('true && echo a; false && echo b; false || echo c; true || echo d').stdout).toBe('a\nc\n');
  });
  it('returns the status of the last command that ran in an and-or list', () => {
    expect(sh('false && true').exitCode).toBe(1);
    expect(sh('false || true').exitCode).toBe(0);
    expect(sh('true && exit 4').exitCode).toBe(4);
  });
  it('negates a pipeline with !', () => {
    expect(sh('! false; echo $?; ! true; echo $?').stdout).toBe('0\n1\n');
  });
  it('pipes stdout into the next stdin and returns the last status', () => {
    const r = sh('printf "b\\na\\nc\\n" | sort | head -n 2; false | true; echo $?');
    expect(r.stdout).toBe('a\nb\n0\n');
  });
  it('uses the last failing status with set -o pipefail', () => {
    expect(sh('set -o pipefail; false | true; echo $?').stdout).toBe('1\n');
  });
  it('runs a subshell without changing the parent', () => {
    expect(sh('X=1; (X=2; cd /tmp; echo $X $PWD); echo $X $PWD').stdout).toBe('2 /tmp\n1 /\n');
  });
  it('runs a brace group in the current shell', () => {
    expect(sh('{ X=2; echo in; }; echo $X').stdout).toBe('in\n2\n');
  });
  it('runs background commands at once and continues with status 0', () => {
    expect(sh('false & echo $?').stdout).toBe('0\n');
  });
  it('exits with the given code and skips the rest', () => {
    const r = sh('echo "about to fail" && exit 3; echo never');
    expect(r).toMatchObject({ exitCode: 3, stdout: 'about to fail\n' });
  });
});

describe('set -e', () => {
  it('stops at the first failing command', () => {
    const r = sh('set -e; echo a; false; echo b');
    expect(r).toMatchObject({ exitCode: 1, stdout: 'a\n' });
  });
  it('does not stop for a failure on the left of && or || or in a condition', () => {
    const r = sh('set -e; false && echo no; false || echo yes; if false; then :; fi; while false; do :; done; ! true; echo end');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'yes\nend\n' });
  });
  it('stops when the last command of an && list fails', () => {
    expect(sh('set -e; true && false; echo no').exitCode).toBe(1);
  });
  it('stops for a failing command substitution assignment', () => {
    expect(sh('set -e; x=$(false); echo no')).toMatchObject({ exitCode: 1, stdout: '' });
  });
  it('applies with sh -e', () => {
    expect(sh('sh -ec "false; echo no"; echo $?').stdout).toBe('1\n');
  });
  it('traces commands with set -x', () => {
    expect(sh('set -x; echo "a b" c').stderr).toBe("+ echo 'a b' c\n");
  });
});

describe('compound commands', () => {
  it('runs if / elif / else', () => {
    const script = 'for n in 1 2 3; do if [ $n = 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo other; fi; done';
    expect(sh(script).stdout).toBe('one\ntwo\nother\n');
  });
  it('runs for loops over words and globs, and across lines', () => {
    expect(sh('for x in a b\ndo\n  echo $x\ndone').stdout).toBe('a\nb\n');
  });
  it('runs while and until loops with break and continue', () => {
    const r = sh('i=0; while true; do i=$((i+1)); [ $i = 2 ] && continue; [ $i -gt 3 ] && break; echo $i; done; until [ $i = 0 ]; do i=$((i-1)); done; echo $i');
    expect(r.stdout).toBe('1\n3\n0\n');
  });
  it('matches case patterns with | and globs', () => {
    const r = sh('for f in a.txt b.log c; do case $f in *.txt|*.md) echo text;; *.log) echo log;; *) echo other;; esac; done');
    expect(r.stdout).toBe('text\nlog\nother\n');
  });
  it('defines and calls functions with arguments, return and local', () => {
    const r = sh('x=g; f() { local x=l; echo "$1-$#-$x"; return 3; }; f a b; echo $? $x');
    expect(r.stdout).toBe('a-2-l\n3 g\n');
  });
  it('stops endless recursion like a crashed process', () => {
    expect(sh('f() { f; }; f; echo never')).toMatchObject({ exitCode: 139, stdout: '' });
    expect(sh('echo \'sh /tmp/s\' > /tmp/s; sh /tmp/s').exitCode).toBe(139);
  });
  it('applies prefix assignments to one command only', () => {
    expect(sh('A=1 sh -c \'echo $A\'; echo "[$A]"').stdout).toBe('1\n[]\n');
  });
  it('exports variables to programs', () => {
    expect(sh('A=1; B=2; export B; env | grep -E "^(A|B)="').stdout).toBe('B=2\n');
  });
  it('evaluates with eval', () => {
    expect(sh('cmd="echo hi"; eval "$cmd; echo there"').stdout).toBe('hi\nthere\n');
  });
  it('runs the EXIT trap when the script ends, even by exit', () => {
    expect(sh("trap 'echo cleanup $?' EXIT; echo work; exit 3")).toMatchObject({ stdout: 'work\ncleanup 3\n', exitCode: 3 });
  });
  it('reads lines with read in a while loop from a redirect', () => {
    const r = sh('printf "a b c\\nd e\\n" > /tmp/l; while read x rest; do echo "$x|$rest"; done < /tmp/l');
    expect(r.stdout).toBe('a|b c\nd|e\n');
  });
  it('shifts positional parameters', () => {
    expect(sh('set -- a b c; shift; echo $@; shift 2; echo $#').stdout).toBe('b c\n0\n');
  });
  it('supports [[ ]] with patterns in busybox and bash', () => {
    expect(sh('[[ abc == a* ]] && echo glob; [[ abc =~ ^a.c$ ]] && echo re; [[ -d /tmp ]] && echo dir').stdout).toBe('glob\nre\ndir\n');
  });
  it('reports syntax errors in busybox wording with status 2', () => {
    expect(sh('if true; then echo x; fi; fi')).toMatchObject({ exitCode: 2, stderr: 'sh: syntax error: unexpected "fi"\n' });
    expect(sh('echo "unterminated')).toMatchObject({ exitCode: 2, stderr: 'sh: syntax error: unterminated quoted string\n' });
  });
  it('runs the lines before a syntax error', () => {
    expect(sh('echo first\nif')).toMatchObject({ stdout: 'first\n', exitCode: 2 });
  });
});

describe('redirections', () => {
  it('writes, appends and reads files', () => {
    const r = sh('echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f');
    expect(r.stdout).toBe('one\ntwo\n');
    expect(r.read('/tmp/f')).toBe('one\ntwo\n');
  });
  it('redirects stderr and duplicates descriptors', () => {
    const r = sh('cat /nope 2> /tmp/err; cat /tmp/err; cat /nope 2>&1 | tr a-z A-Z; echo to-stderr >&2; echo x 1>&2');
    expect(r.stdout).toBe("cat: can't open '/nope': No such file or directory\nCAT: CAN'T OPEN '/NOPE': NO SUCH FILE OR DIRECTORY\n");
    expect(r.stderr).toBe('to-stderr\nx\n');
  });
  it('sends both streams to a file with &>', () => {
    expect(sh('{ echo out; echo err >&2; } &> /tmp/both; cat /tmp/both').stdout).toBe('out\nerr\n');
  });
  it('discards output to /dev/null without creating it', () => {
    const r = sh('echo gone > /dev/null; cat /nope 2>/dev/null; echo $?');
    expect(r.stdout).toBe('1\n');
    expect(r.fs.stat('/dev/null')).toBeNull();
  });
  it('reads here-documents with expansion, <<- tab stripping and quoted delimiters', () => {
    const r = sh('N=x\ncat <<EOF\nhello $N\n$(echo sub)\nEOF\ncat <<-END\n\tindented\n\tEND\ncat <<"RAW"\n$N stays\nRAW\necho after');
    expect(r.stdout).toBe('hello x\nsub\nindented\n$N stays\nafter\n');
  });
  it('writes a here-document into a file', () => {
    const r = sh("cat > /tmp/conf <<'EOF'\nkey=$value\nEOF");
    expect(r.read('/tmp/conf')).toBe('key=$value\n');
  });
  it('reports a redirection to a missing directory in busybox wording', () => {
    expect(sh('echo x > /nope/f; echo $?')).toMatchObject({ stdout: '1\n', stderr: "sh: can't create /nope/f: nonexistent directory\n" });
    expect(sh('cat < /nope').stderr).toBe("sh: can't open /nope: no such file\n");
  });
  it('writes /dev/stdout and /dev/stderr to the streams', () => {
    expect(sh('echo a > /dev/stderr; echo b > /dev/stdout')).toMatchObject({ stdout: 'b\n', stderr: 'a\n' });
  });
  it('makes the output of a loop one file write', () => {
    const r = sh('for i in 1 2 3; do echo $i; done > /tmp/n; wc -l < /tmp/n');
    expect(r.stdout).toBe('3\n');
  });
  it('lets a program read what earlier commands in a redirected group wrote', () => {
    expect(sh('{ echo a; cat /tmp/g; } > /tmp/g; cat /tmp/g').stdout).toBe('a\na\n');
  });
  it('redirects permanently with exec', () => {
    expect(sh('exec > /tmp/e; echo hidden; cat /tmp/e >&2').stderr).toBe('hidden\n');
  });
});
