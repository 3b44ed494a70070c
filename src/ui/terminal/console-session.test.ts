import { describe, expect, it } from 'vitest';
import { ConsoleSession, type ConsoleHandlers } from './console-session.js';
import { LineEditor } from './line-editor.js';
import { isWebLink, openWebLink } from './safe-links.js';
import { VirtualScreen } from './virtual-screen.js';

function setup(handlers: ConsoleHandlers, history: string[] = []) {
  const screen = new VirtualScreen(40);
  const editor = new LineEditor({ prompt: '$ ', history, columns: 40 });
  const session = new ConsoleSession(screen, editor, () => handlers);
  session.start();
  return { screen, editor, session };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ConsoleSession', () => {
  it('runs a submitted line, prints its output and a fresh prompt', async () => {
    const t = setup({ onsubmit: (line) => t.session.write(`ran ${line}\n`) });
    t.session.input('ls\r');
    await tick();
    expect(t.screen.lines()).toEqual(['$ ls', 'ran ls', '$']);
  });

  it('ends output that lacks a newline before the next prompt', async () => {
    const t = setup({ onsubmit: () => t.session.write('no newline') });
    t.session.input('x\r');
    await tick();
    expect(t.screen.lines()).toEqual(['$ x', 'no newline', '$']);
  });

  it('runs pasted lines one after another, each after the previous finished', async () => {
    const order: string[] = [];
    const t = setup({
      onsubmit: async (line) => {
        order.push(`start ${line}`);
        await tick();
        t.session.write(`${line}!\n`);
        order.push(`end ${line}`);
      },
    });
    t.session.input('a\rb\r');
    for (let i = 0; i < 5; i++) await tick();
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(t.screen.lines()).toEqual(['$ a', 'a!', '$ b', 'b!', '$']);
  });

  it('aborts the running command on Ctrl-C and drops the rest of a paste', async () => {
    let signal: AbortSignal | undefined;
    const ran: string[] = [];
    const t = setup({
      onsubmit: (line, s) => {
        ran.push(line);
        signal = s;
        return new Promise<void>((resolve) => s.addEventListener('abort', () => resolve()));
      },
    });
    t.session.input('docker pull big\rnext\r');
    await tick();
    expect(t.session.busy).toBe(true);
    t.session.input('typed ahead');
    t.session.input('\x03');
    await tick();
    expect(signal?.aborted).toBe(true);
    expect(ran).toEqual(['docker pull big']);
    expect(t.screen.lines()).toEqual(['$ docker pull big', '^C', '$']);
    expect(t.editor.line).toBe('');
  });

  it('prints an error thrown by the handler', async () => {
    const t = setup({ onsubmit: () => { throw new Error('boom'); } });
    t.session.input('x\r');
    await tick();
    expect(t.screen.lines()).toEqual(['$ x', 'boom', '$']);
  });

  it('announces the finished command’s output without colour codes', async () => {
    const said: string[] = [];
    const t = setup({ onsubmit: () => t.session.write('\x1b[32mok\x1b[0m\n'), announce: (s) => said.push(s) });
    t.session.input('x\r');
    await tick();
    expect(said).toEqual(['ok']);
  });

  it('reports the new history after each submitted line', async () => {
    const seen: string[][] = [];
    const t = setup({ onhistory: (h) => seen.push(h) }, ['old']);
    t.session.input('new\r');
    await tick();
    expect(seen).toEqual([['old', 'new']]);
  });

  it('answers Tab with the app’s candidates', () => {
    const t = setup({ oncomplete: (line, cursor) => (line.slice(0, cursor).endsWith('bu') ? ['build'] : []) });
    t.session.input('docker bu\t');
    expect(t.editor.line).toBe('docker build ');
    expect(t.screen.lines()).toEqual(['$ docker build']);
  });

  it('prints output that arrives between commands above the prompt line', () => {
    const t = setup({});
    t.session.input('half');
    t.session.write('Connected to companion server');
    expect(t.screen.lines()).toEqual(['Connected to companion server', '$ half']);
  });

  it('clears the screen and keeps the line being typed', () => {
    const t = setup({});
    t.session.input('abc');
    t.session.clear();
    expect(t.screen.lines()).toEqual(['$ abc']);
  });
});

describe('web links', () => {
  it('accepts only http and https links', () => {
    expect(isWebLink('https://docs.docker.com/')).toBe(true);
    expect(isWebLink('http://localhost:8080/x')).toBe(true);
    expect(isWebLink('javascript:alert(1)')).toBe(false);
    expect(isWebLink('file:///etc/passwd')).toBe(false);
    expect(isWebLink('not a url')).toBe(false);
  });

  it('opens a link only after the user confirms', () => {
    const opened: string[] = [];
    const page = (answer: boolean) => ({ confirm: () => answer, open: (u: string) => opened.push(u) });
    expect(openWebLink('https://a.example/', page(false))).toBe(false);
    expect(openWebLink('javascript:alert(1)', page(true))).toBe(false);
    expect(openWebLink('https://b.example/', page(true))).toBe(true);
    expect(opened).toEqual(['https://b.example/']);
  });
});
