import { describe, expect, it } from 'vitest';
import { checkName, type Sibling } from './names.js';

const here: Sibling[] = [
  { name: 'app.js', type: 'file' },
  { name: 'web', type: 'dir' },
];

describe('checkName', () => {
  it('accepts an ordinary new name', () => {
    expect(checkName('server.js', 'file', here)).toBeUndefined();
    expect(checkName('.dockerignore', 'file', here)).toBeUndefined();
    expect(checkName('api', 'dir', here)).toBeUndefined();
  });

  it('names the kind of entry that is already there', () => {
    expect(checkName('app.js', 'file', here)).toBe('A file named app.js already exists here.');
    expect(checkName('web', 'file', here)).toBe('A folder named web already exists here.');
    expect(checkName('app.js', 'dir', here)).toBe('A file named app.js already exists here.');
  });

  it('is case-sensitive, like the Linux file systems images are built on', () => {
    expect(checkName('App.js', 'file', here)).toBeUndefined();
  });

  it('lets a rename keep its own name', () => {
    expect(checkName('app.js', 'file', here, 'app.js')).toBeUndefined();
    expect(checkName('web', 'dir', here, 'app.js')).toBe('A folder named web already exists here.');
  });

  it('rejects empty names, slashes, . and ..', () => {
    expect(checkName('', 'file', here)).toBe('Type a name for the file.');
    expect(checkName('', 'dir', here)).toBe('Type a name for the folder.');
    expect(checkName('   ', 'file', here)).toMatch(/more than spaces/);
    expect(checkName('a/b', 'file', here)).toMatch(/can't contain “\/”/);
    expect(checkName('.', 'dir', here)).toMatch(/special name/);
    expect(checkName('..', 'file', here)).toMatch(/special name/);
  });

  it('rejects names a Dockerfile would trip over', () => {
    expect(checkName(' app.js', 'file', here)).toMatch(/start or end with a space/);
    expect(checkName('a\tb', 'file', here)).toMatch(/control characters/);
    expect(checkName('x'.repeat(256), 'file', here)).toMatch(/too long/);
    expect(checkName('x'.repeat(255), 'file', here)).toBeUndefined();
  });
});
