import { describe, expect, it } from 'vitest';
import { LineEditor, type Action } from './line-editor.js';
import { VirtualScreen } from './virtual-screen.js';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DEL = '\x1b[3~';
const BS = '\x7f';

/** An editor wired to a virtual screen the way the Terminal component wires it. */
function setup(opts: { prompt?: string; history?: string[]; cols?: number } = {}) {
  const editor = new LineEditor({ prompt: opts.prompt ?? '$ ', history: opts.history, columns: opts.cols ?? 80 });
  const screen = new VirtualScreen(opts.cols ?? 80);
  const actions: Action[] = [];
  const submitted: string[] = [];
  const apply = (list: Action[]) => {
    for (const a of list) {
      actions.push(a);
      if (a.type === 'write') screen.write(a.text);
      if (a.type === 'clear') screen.write('\x1b[H\x1b[2J');
      if (a.type === 'submit') {
        submitted.push(a.line);
        screen.write(editor.prompt());
      }
    }
    return list;
  };
  screen.write(editor.prompt());
  const type = (data: string) => apply(editor.feed(data));
  const complete = (c: string[]) => apply(editor.completeWith(c));
  return { editor, screen, actions, submitted, type, complete, apply };
}

describe('LineEditor typing and cursor movement', () => {
  it('echoes printable text after the prompt', () => {
    const t = setup();
    t.type('echo hi');
    expect(t.screen.lines()).toEqual(['$ echo hi']);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 9 });
    expect(t.editor.line).toBe('echo hi');
  });

  it('inserts in the middle after Left and redraws the rest of the line', () => {
    const t = setup();
    t.type('ac' + LEFT + 'b');
    expect(t.screen.lines()).toEqual(['$ abc']);
    expect(t.editor.cursor).toBe(2);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 4 });
  });

  it('moves right, to Home and to End with the arrow and escape keys', () => {
    const t = setup();
    t.type('abc' + HOME);
    expect(t.editor.cursor).toBe(0);
    t.type(RIGHT);
    expect(t.editor.cursor).toBe(1);
    t.type(END);
    expect(t.editor.cursor).toBe(3);
    t.type('\x1bOH');
    expect(t.editor.cursor).toBe(0);
    t.type('\x1b[4~');
    expect(t.editor.cursor).toBe(3);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 5 });
  });

  it('keeps the cursor inside the line at both ends', () => {
    const t = setup();
    t.type('ab' + RIGHT + RIGHT);
    expect(t.editor.cursor).toBe(2);
    t.type(HOME + LEFT);
    expect(t.editor.cursor).toBe(0);
  });

  it('moves to the start with Ctrl-A and the end with Ctrl-E, and by one with Ctrl-B/Ctrl-F', () => {
    const t = setup();
    t.type('hello\x01');
    expect(t.screen.cursor()).toEqual({ row: 0, col: 2 });
    t.type('\x06\x06');
    expect(t.editor.cursor).toBe(2);
    t.type('\x02');
    expect(t.editor.cursor).toBe(1);
    t.type('\x05');
    expect(t.screen.cursor()).toEqual({ row: 0, col: 7 });
  });

  it('jumps by words with Alt-b/Alt-f and Ctrl-Left/Ctrl-Right', () => {
    const t = setup();
    t.type('docker run --rm alpine');
    t.type('\x1bb');
    expect(t.editor.cursor).toBe(16);
    t.type('\x1b[1;5D');
    expect(t.editor.cursor).toBe(13);
    t.type('\x1bb\x1bb');
    expect(t.editor.cursor).toBe(0);
    t.type('\x1bf');
    expect(t.editor.cursor).toBe(6);
    t.type('\x1b[1;5C');
    expect(t.editor.cursor).toBe(10);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 12 });
  });

  it('deletes before the cursor with Backspace (DEL and Ctrl-H)', () => {
    const t = setup();
    t.type('abcd' + BS + LEFT + '\x08');
    expect(t.editor.line).toBe('ac');
    expect(t.screen.lines()).toEqual(['$ ac']);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 3 });
  });

  it('ignores Backspace at the start of the line', () => {
    const t = setup();
    expect(t.type(BS)).toEqual([]);
  });

  it('deletes under the cursor with Delete and with Ctrl-D on a non-empty line', () => {
    const t = setup();
    t.type('abcd' + HOME + DEL);
    expect(t.editor.line).toBe('bcd');
    t.type('\x04');
    expect(t.editor.line).toBe('cd');
    expect(t.screen.lines()).toEqual(['$ cd']);
  });

  it('kills to the start with Ctrl-U, to the end with Ctrl-K and yanks back with Ctrl-Y', () => {
    const t = setup();
    t.type('one two three' + LEFT.repeat(6) + '\x0b');
    expect(t.editor.line).toBe('one two');
    t.type('\x15');
    expect(t.editor.line).toBe('');
    expect(t.screen.lines()).toEqual(['$']);
    t.type('\x19');
    expect(t.editor.line).toBe('one two');
  });

  it('kills the previous whitespace-separated word with Ctrl-W', () => {
    const t = setup();
    t.type('docker run --rm  ');
    t.type('\x17');
    expect(t.editor.line).toBe('docker run ');
    t.type('\x17');
    expect(t.editor.line).toBe('docker ');
    expect(t.screen.lines()).toEqual(['$ docker']);
  });

  it('kills alphanumeric words with Alt-Backspace and Alt-d', () => {
    const t = setup();
    t.type('a/b-c\x1b\x7f');
    expect(t.editor.line).toBe('a/b-');
    t.type(HOME + '\x1bd');
    expect(t.editor.line).toBe('/b-');
  });

  it('moves by code point over wide and astral characters', () => {
    const t = setup();
    t.type('日本😀x');
    expect(t.screen.cursor()).toEqual({ row: 0, col: 9 });
    t.type(LEFT + LEFT);
    expect(t.editor.cursor).toBe(2);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 6 });
    t.type(BS);
    expect(t.editor.line).toBe('日😀x');
    expect(t.screen.lines()).toEqual(['$ 日😀x']);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 4 });
  });

  it('ignores a prompt’s colour codes when placing the cursor', () => {
    const t = setup({ prompt: '\x1b[32muser\x1b[0m$ ' });
    t.type('ab' + LEFT);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 7 });
  });

  it('redraws a line that wraps past the right margin', () => {
    const t = setup({ cols: 10 });
    t.type('abcdefgh');
    expect(t.screen.lines()).toEqual(['$ abcdefgh']);
    t.type('ij');
    expect(t.screen.lines()).toEqual(['$ abcdefgh', 'ij']);
    expect(t.screen.cursor()).toEqual({ row: 1, col: 2 });
    t.type(HOME);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 2 });
    t.type('X');
    expect(t.screen.lines()).toEqual(['$ Xabcdefg', 'hij']);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 3 });
    t.type(END + BS + BS + BS + BS);
    expect(t.screen.lines()).toEqual(['$ Xabcdef']);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 9 });
  });

  it('puts the cursor on the next row when the line ends exactly at the margin', () => {
    const t = setup({ cols: 10 });
    t.type('abcdefgh');
    expect(t.screen.cursor()).toEqual({ row: 1, col: 0 });
    t.type(LEFT);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 9 });
  });

  it('wraps a wide character that does not fit whole, as xterm does', () => {
    const t = setup({ cols: 10 });
    t.type('abcdefg日');
    expect(t.screen.lines()).toEqual(['$ abcdefg', '日']);
    t.type(HOME + END);
    expect(t.screen.cursor()).toEqual({ row: 1, col: 2 });
  });
});

describe('LineEditor Enter, Ctrl-C, Ctrl-D and Ctrl-L', () => {
  it('submits the line on Enter and moves to a new line first', () => {
    const t = setup();
    const out = t.type('ls' + HOME + '\r');
    expect(out.at(-1)).toEqual({ type: 'submit', line: 'ls' });
    expect(t.screen.lines()).toEqual(['$ ls', '$']);
    expect(t.editor.line).toBe('');
  });

  it('submits an empty line too, so the caller prints a fresh prompt', () => {
    const t = setup();
    expect(t.type('\r')).toContainEqual({ type: 'submit', line: '' });
  });

  it('runs a multi-line paste line by line, in order', () => {
    const t = setup();
    const out = t.type('echo one\r\necho two\necho three\rpartial');
    expect(out.filter((a) => a.type === 'submit')).toEqual([
      { type: 'submit', line: 'echo one' },
      { type: 'submit', line: 'echo two' },
      { type: 'submit', line: 'echo three' },
    ]);
    expect(t.editor.line).toBe('partial');
    expect(t.screen.lines()).toEqual(['$ echo one', '$ echo two', '$ echo three', '$ partial']);
  });

  it('ignores bracketed paste markers', () => {
    const t = setup();
    t.type('\x1b[200~ls -l\x1b[201~');
    expect(t.editor.line).toBe('ls -l');
  });

  it('prints ^C and a fresh prompt on Ctrl-C and forgets the line', () => {
    const t = setup();
    const out = t.type('docker pu' + HOME + '\x03');
    expect(out).toContainEqual({ type: 'cancel' });
    expect(t.screen.lines()).toEqual(['$ docker pu^C', '$']);
    expect(t.screen.cursor()).toEqual({ row: 1, col: 2 });
    expect(t.editor.line).toBe('');
  });

  it('reports eof on Ctrl-D only when the line is empty', () => {
    const t = setup();
    expect(t.type('\x04')).toEqual([{ type: 'eof' }]);
    t.type('a' + LEFT);
    expect(t.type('\x04').some((a) => a.type === 'eof')).toBe(false);
  });

  it('asks to clear on Ctrl-L and redraws the prompt and line at the top', () => {
    const t = setup();
    t.type('\recho\r');
    t.type('ab' + LEFT);
    const out = t.type('\x0c');
    expect(out[0]).toEqual({ type: 'clear' });
    expect(t.screen.lines()).toEqual(['$ ab']);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 3 });
  });

  it('ignores input while busy except Ctrl-C, which cancels', () => {
    const t = setup();
    t.editor.busy = true;
    expect(t.type('abc\r' + UP)).toEqual([]);
    expect(t.type('x\x03')).toEqual([{ type: 'write', text: '^C' }, { type: 'cancel' }]);
    t.editor.busy = false;
    expect(t.editor.line).toBe('');
  });
});

describe('LineEditor history', () => {
  it('recalls older entries with Up and newer with Down', () => {
    const t = setup({ history: ['one', 'two'] });
    t.type(UP);
    expect(t.editor.line).toBe('two');
    t.type(UP);
    expect(t.editor.line).toBe('one');
    expect(t.screen.lines()).toEqual(['$ one']);
    t.type(UP);
    expect(t.editor.line).toBe('one');
    t.type(DOWN);
    expect(t.editor.line).toBe('two');
    expect(t.screen.cursor()).toEqual({ row: 0, col: 5 });
  });

  it('keeps the draft line when going up and coming back down', () => {
    const t = setup({ history: ['old'] });
    t.type('draft in progress' + UP);
    expect(t.screen.lines()).toEqual(['$ old']);
    t.type(DOWN);
    expect(t.editor.line).toBe('draft in progress');
    expect(t.screen.lines()).toEqual(['$ draft in progress']);
  });

  it('navigates with Ctrl-P and Ctrl-N as well', () => {
    const t = setup({ history: ['a', 'b'] });
    t.type('\x10\x10');
    expect(t.editor.line).toBe('a');
    t.type('\x0e');
    expect(t.editor.line).toBe('b');
  });

  it('adds submitted lines without repeating the last entry or blank lines', () => {
    const t = setup({ history: ['ls'] });
    t.type('ls\rpwd\rpwd\r   \rls\r');
    expect(t.editor.history).toEqual(['ls', 'pwd', 'ls']);
  });

  it('does not change the history array it was given', () => {
    const given = ['a'];
    const t = setup({ history: given });
    t.type('b\r');
    expect(given).toEqual(['a']);
  });

  it('starts from the newest entry again after a submit', () => {
    const t = setup({ history: ['a', 'b'] });
    t.type(UP + UP + '\r' + UP);
    expect(t.editor.line).toBe('a');
  });
});

describe('LineEditor reverse incremental search (Ctrl-R)', () => {
  const history = ['docker build -t app .', 'ls', 'docker run app', 'docker ps'];

  it('shows the search prompt and the newest match as you type', () => {
    const t = setup({ history });
    t.type('\x12');
    expect(t.screen.lines()).toEqual(["(reverse-i-search)'':"]);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 22 });
    t.type('run');
    expect(t.screen.lines()).toEqual(["(reverse-i-search)'run': docker run app"]);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 32 });
  });

  it('finds older matches on Ctrl-R again and reports failure past the oldest', () => {
    const t = setup({ history });
    t.type('\x12docker');
    expect(t.screen.lines()[0]).toBe("(reverse-i-search)'docker': docker ps");
    t.type('\x12');
    expect(t.screen.lines()[0]).toBe("(reverse-i-search)'docker': docker run app");
    t.type('\x12\x12');
    expect(t.screen.lines()[0]).toBe("(failed reverse-i-search)'docker': docker build -t app .");
  });

  it('searches again from the newest entry after Backspace', () => {
    const t = setup({ history });
    t.type('\x12build' + BS.repeat(5) + 'ps');
    expect(t.screen.lines()[0]).toBe("(reverse-i-search)'ps': docker ps");
  });

  it('accepts and submits the match on Enter', () => {
    const t = setup({ history });
    const out = t.type('\x12build\r');
    expect(out).toContainEqual({ type: 'submit', line: 'docker build -t app .' });
    expect(t.screen.lines()).toEqual(["$ docker build -t app .", '$']);
  });

  it('restores the original line on Escape or Ctrl-G', () => {
    for (const abort of ['\x1b', '\x07']) {
      const t = setup({ history });
      t.type('draft\x12run' + abort);
      expect(t.editor.line).toBe('draft');
      expect(t.screen.lines()).toEqual(['$ draft']);
      expect(t.screen.cursor()).toEqual({ row: 0, col: 7 });
    }
  });

  it('accepts the match for editing on a movement key', () => {
    const t = setup({ history });
    t.type('\x12run\x05!');
    expect(t.editor.line).toBe('docker run app!');
    expect(t.screen.lines()).toEqual(['$ docker run app!']);
  });

  it('cancels the search and the line on Ctrl-C', () => {
    const t = setup({ history });
    const out = t.type('\x12run\x03');
    expect(out).toContainEqual({ type: 'cancel' });
    expect(t.editor.line).toBe('');
    expect(t.screen.lines().at(-1)).toBe('$');
  });

  it('continues Up/Down from the accepted entry', () => {
    const t = setup({ history });
    t.type('\x12ls' + '\x1b[C' + UP);
    expect(t.editor.line).toBe('docker build -t app .');
  });
});

describe('LineEditor Tab completion', () => {
  it('asks the caller to complete with the line and cursor', () => {
    const t = setup();
    expect(t.type('docker bu\t')).toContainEqual({ type: 'complete', line: 'docker bu', cursor: 9 });
  });

  it('inserts a single candidate and a space', () => {
    const t = setup();
    t.type('docker bu\t');
    t.complete(['build']);
    expect(t.editor.line).toBe('docker build ');
    expect(t.screen.lines()).toEqual(['$ docker build']);
    expect(t.screen.cursor()).toEqual({ row: 0, col: 15 });
  });

  it('adds no space after a directory candidate', () => {
    const t = setup();
    t.type('cat ct\t');
    t.complete(['ctx/']);
    expect(t.editor.line).toBe('cat ctx/');
  });

  it('completes a word in the middle of the line', () => {
    const t = setup();
    t.type('docker r app' + LEFT.repeat(4) + '\t');
    t.complete(['run']);
    expect(t.editor.line).toBe('docker run app');
    expect(t.editor.cursor).toBe(10);
  });

  it('inserts the common prefix of several candidates', () => {
    const t = setup();
    t.type('docker image l\t');
    t.complete(['list', 'ls', 'load']);
    expect(t.editor.line).toBe('docker image l');
    t.type('i\t');
    t.complete(['list', 'lint']);
    expect(t.editor.line).toBe('docker image li');
    t.type('s\t');
    t.complete(['list', 'lists']);
    expect(t.editor.line).toBe('docker image list');
  });

  it('rings the bell when nothing matches or on a first ambiguous Tab', () => {
    const t = setup();
    t.type('x\t');
    t.complete([]);
    t.type('\x05\t');
    t.complete(['xa', 'xb']);
    expect(t.screen.bells).toBe(2);
  });

  it('lists the candidates in columns on a second Tab and redraws the line', () => {
    const t = setup({ cols: 20 });
    t.type('docker p\t');
    t.complete(['pull', 'push', 'ps', 'pause', 'port']);
    t.type('\t');
    t.complete(['pull', 'push', 'ps', 'pause', 'port']);
    expect(t.screen.lines()).toEqual([
      '$ docker p',
      'pause  pull',
      'port   push',
      'ps',
      '$ docker p',
    ]);
    expect(t.screen.cursor()).toEqual({ row: 4, col: 10 });
  });

  it('processes keys typed after Tab once the completion is answered', () => {
    const t = setup();
    t.type('docker bu\t-t x');
    expect(t.editor.line).toBe('docker bu');
    t.complete(['build']);
    expect(t.editor.line).toBe('docker build -t x');
  });

  it('ignores an answer that comes after more typing', () => {
    const t = setup();
    t.type('docker bu\t');
    t.type('x');
    expect(t.complete(['build'])).toEqual([]);
    expect(t.editor.line).toBe('docker bux');
  });
});

describe('LineEditor prompt', () => {
  it('uses a new prompt for the next line', () => {
    const t = setup();
    t.type('cd /app\r');
    t.editor.setPrompt('/app$ ');
    t.screen.write('\r\x1b[K' + t.editor.prompt());
    t.type('ab' + LEFT);
    expect(t.screen.lines().at(-1)).toBe('/app$ ab');
    expect(t.screen.cursor().col).toBe(7);
  });

  it('hides the line for output and shows it again below', () => {
    const t = setup();
    t.type('abc' + LEFT);
    t.screen.write(t.editor.hide() + 'note\r\n' + t.editor.show());
    expect(t.screen.lines()).toEqual(['note', '$ abc']);
    expect(t.screen.cursor()).toEqual({ row: 1, col: 4 });
  });
});
