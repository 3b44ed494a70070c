import { describe, expect, it } from 'vitest';
import { commandsInBlock, isRunnable, renderLessonMarkdown } from './markdown.js';

describe('isRunnable', () => {
  it('accepts docker commands and the console\'s workspace commands', () => {
    expect(isRunnable('docker build -t hello .')).toBe(true);
    expect(isRunnable('docker history hello')).toBe(true);
    expect(isRunnable('cd hello')).toBe(true);
    expect(isRunnable('ls')).toBe(true);
  });
  it('refuses plain words, bare docker, templates and other programs', () => {
    expect(isRunnable('hello')).toBe(false);
    expect(isRunnable('docker')).toBe(false);
    expect(isRunnable('RUN rm /srv/greeting/hello.txt')).toBe(false);
    expect(isRunnable('npm install')).toBe(false);
    expect(isRunnable('cat NAME')).toBe(false);
  });
});

describe('commandsInBlock', () => {
  it('takes the lines after $ in a console block and skips the output', () => {
    expect(commandsInBlock('console', '$ docker images\nREPOSITORY TAG\n$ docker ps -a\n')).toEqual(['docker images', 'docker ps -a']);
  });
  it('takes every line of a sh block, joining continuations and dropping comments', () => {
    expect(commandsInBlock('sh', '# build it\ndocker build \\\n  -t app .\n\ndocker run app\n')).toEqual(['docker build -t app .', 'docker run app']);
  });
  it('finds no commands in other languages', () => {
    expect(commandsInBlock('dockerfile', 'FROM alpine\nRUN ls')).toEqual([]);
    expect(commandsInBlock(undefined, 'docker ps')).toEqual([]);
  });
});

describe('renderLessonMarkdown', () => {
  it('puts a run button on runnable inline code', () => {
    const html = renderLessonMarkdown('Try `docker build -t hello .` now, not `FROM`.');
    expect(html).toContain('data-run="docker build -t hello ."');
    expect(html.match(/data-run/g)).toHaveLength(1);
  });
  it('puts an open button on inline code that names a workspace file', () => {
    const html = renderLessonMarkdown('Open `hello/Dockerfile`.', { fileAt: (c) => (c === 'hello/Dockerfile' ? '/workspace/hello/Dockerfile' : undefined) });
    expect(html).toContain('data-open="/workspace/hello/Dockerfile"');
  });
  it('escapes raw HTML and drops javascript: links', () => {
    const html = renderLessonMarkdown('<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&lt;script&gt;');
  });
  it('gives a console block one button per command', () => {
    const html = renderLessonMarkdown('```console\n$ docker images\nREPO\n$ docker ps\n```');
    expect(html.match(/data-run=/g)).toHaveLength(2);
  });
});
