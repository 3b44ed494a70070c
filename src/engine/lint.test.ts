import { describe, expect, it } from 'vitest';
import { lintDockerfile } from './lint.js';

const rules = (text: string) => lintDockerfile(text).map((f) => `${f.line}:${f.rule}`);

describe('lintDockerfile', () => {
  it('flags an untagged base, latest, and a missing USER', () => {
    expect(rules('FROM ubuntu\nCMD ["bash"]\n')).toEqual(['1:DL3002', '1:DL3006', '1:LL001']);
    expect(rules('FROM ubuntu:latest\nUSER app\n')).toEqual(['1:DL3007', '1:LL001']);
  });

  it('accepts a base pinned by digest and a non-root last USER', () => {
    expect(rules(`FROM alpine:3.20@sha256:${'a'.repeat(64)}\nUSER 1000\n`)).toEqual([]);
  });

  it('reports root as the last USER even after a non-root one', () => {
    expect(rules('FROM alpine:3.20\nUSER app\nUSER root\n')).toEqual(['1:LL001', '3:DL3002']);
  });

  it('checks apt, apk and pip hygiene on the RUN line', () => {
    const found = rules('FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apk add git\nRUN pip install flask\nUSER 1\n');
    expect(found).toEqual(['1:LL001', '2:DL3009', '2:DL3015', '3:DL3019', '3:DL3059', '4:DL3042', '4:DL3059']);
    expect(rules('FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 1\n')).toEqual(['1:LL001']);
  });

  it('prefers COPY to ADD for plain files but not for archives or URLs, and JSON form for CMD', () => {
    expect(rules('FROM a:1\nADD app.py /app/\nADD site.tar.gz /srv/\nCMD python app.py\nUSER 1\n')).toEqual(['1:LL001', '2:DL3020', '4:DL3025']);
  });

  it('does not flag a stage name used as a base', () => {
    expect(rules('FROM golang:1.22 AS build\nFROM build\nUSER 1\n').filter((r) => r.startsWith('2:'))).toEqual([]);
  });

  it('turns a parse error into one finding on its line', () => {
    expect(lintDockerfile('FROM a:1\nRUNN x\n')).toEqual([{ rule: 'DL1000', severity: 'error', line: 2, message: 'dockerfile parse error line 2: unknown instruction: RUNN' }]);
  });
});
