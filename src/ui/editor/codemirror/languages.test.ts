import { describe, expect, it } from 'vitest';
import { isDockerfile, languageOf } from './languages.js';

describe('languageOf', () => {
  it('recognises Dockerfiles by name, in any folder and with a suffix', () => {
    for (const p of ['Dockerfile', 'hello/Dockerfile', 'app/Dockerfile.dev', 'build.dockerfile']) expect(languageOf(p)).toBe('dockerfile');
    expect(isDockerfile('hello/Dockerfile/notes.txt')).toBe(false);
  });

  it('picks shell, JSON, YAML and dotenv files by extension or name', () => {
    expect(languageOf('hello/entry.sh')).toBe('shell');
    expect(languageOf('package.json')).toBe('json');
    expect(languageOf('compose.YAML')).toBe('yaml');
    expect(languageOf('app/.env')).toBe('properties');
  });

  it('leaves unknown files and dotfiles without an extension as plain text', () => {
    expect(languageOf('hello/hello.txt')).toBeUndefined();
    expect(languageOf('.dockerignore')).toBeUndefined();
    expect(languageOf('README')).toBeUndefined();
  });
});
