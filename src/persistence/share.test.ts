import { describe, expect, it } from 'vitest';
import { SHARE_LIMIT, ShareError, decodeShare, encodeShare } from './share';

const payload = {
  files: { 'app/Dockerfile': 'FROM alpine:3.20\nCOPY . /app\nRUN echo "héllo ✓"\n', 'app/.dockerignore': 'node_modules\n' },
  history: ['cd app', 'docker build -t app .', 'docker run app'],
};

describe('share links', () => {
  it('round-trips files and history through a #share= fragment', () => {
    const fragment = encodeShare(payload);
    expect(fragment).toMatch(/^#share=[A-Za-z0-9_-]+$/);
    expect(decodeShare(fragment)).toEqual(payload);
    expect(decodeShare(`https://example.org/layerlab/${fragment}`)).toEqual(payload);
  });

  it('refuses a workspace past the size limit with a clear error', () => {
    let seed = 1;
    const noise = Array.from({ length: 60_000 }, () => ((seed = (seed * 48271) % 2147483647) % 36).toString(36)).join('');
    expect(() => encodeShare({ files: { big: noise }, history: [] })).toThrow(ShareError);
    expect(() => encodeShare({ files: { big: noise }, history: [] })).toThrow(/too large for a share link.*limit is 32 KB/);
    expect(SHARE_LIMIT).toBe(32 * 1024);
  });

  it('reports corrupt input clearly', () => {
    const fragment = encodeShare(payload);
    expect(() => decodeShare('#other=1')).toThrow(/not a Layerlab share link/);
    expect(() => decodeShare('#share=')).toThrow(/empty/);
    expect(() => decodeShare('#share=abc$%')).toThrow(/corrupt/);
    expect(() => decodeShare(fragment.slice(0, fragment.length - 10))).toThrow(ShareError);
    expect(() => decodeShare('#share=AAAA')).toThrow(/does not decompress|corrupt/);
  });
});
