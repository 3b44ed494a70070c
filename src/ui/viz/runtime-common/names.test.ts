import { describe, expect, it } from 'vitest';
import { familiarRepository, repositoryOf, secondsText, shortDigest, sizeText, speedText, splitRepository } from './names.js';

describe('runtime view names', () => {
  it('splits a familiar repository name into host and path as Docker does', () => {
    expect(splitRepository('localhost:5000/app')).toEqual({ host: 'localhost:5000', path: 'app' });
    expect(splitRepository('alpine')).toEqual({ host: 'docker.io', path: 'library/alpine' });
    expect(splitRepository('team/api')).toEqual({ host: 'docker.io', path: 'team/api' });
    expect(splitRepository('ghcr.io/a/b')).toEqual({ host: 'ghcr.io', path: 'a/b' });
    expect(familiarRepository('docker.io', 'library/alpine')).toBe('alpine');
    expect(familiarRepository('localhost:5000', 'app')).toBe('localhost:5000/app');
  });
  it('takes the repository out of a reference with a port, tag or digest', () => {
    expect(repositoryOf('localhost:5000/app:v1')).toBe('localhost:5000/app');
    expect(repositoryOf('localhost:5000/app')).toBe('localhost:5000/app');
    expect(repositoryOf('alpine@sha256:abc')).toBe('alpine');
  });
  it('words sizes, speeds and times for labels', () => {
    expect(shortDigest('sha256:0123456789abcdef')).toBe('0123456789ab');
    expect(sizeText(1_234_567)).toBe('1.23 MB');
    expect(sizeText(0)).toBe('0 B');
    expect(speedText(12_500_000)).toBe('100 Mbit/s');
    expect(secondsText(0.42)).toBe('0.4 s');
    expect(secondsText(185)).toBe('3 min 5 s');
  });
});
