import { describe, expect, it } from 'vitest';
import { checkDockerfile } from './dockerfile.js';

const BASES = new Set(['busybox', 'busybox:latest', 'alpine:3.21']);
const isBase = (ref: string) => BASES.has(ref);

describe('checkDockerfile refuses what reaches outside the build', () => {
  it.each([
    ['# syntax=docker/dockerfile:1\nFROM busybox\n', 'Dockerfile:1: the # syntax= directive is not allowed'],
    ['#syntax=evil/frontend\nFROM busybox\n', 'Dockerfile:1: the # syntax= directive'],
    ['# SYNTAX = evil/frontend\nFROM busybox\n', 'Dockerfile:1: the # syntax= directive'],
    ['\uFEFF# syntax=evil/frontend\nFROM busybox\n', 'Dockerfile:1: the # syntax= directive'],
    ['# escape=`\n# syntax=evil/frontend\nFROM busybox\n', 'Dockerfile:2: the # syntax= directive'],
    ['# a comment\n\n# syntax=evil/frontend\nFROM busybox\n', 'Dockerfile:3: the # syntax= directive'],
    ['FROM busybox\nRUN --mount=type=bind,source=/,target=/h ls\n', 'Dockerfile:2: RUN --mount is not allowed'],
    ['FROM busybox\nRUN --mount=type=cache,target=/root/.cache ls\n', 'Dockerfile:2: RUN --mount is not allowed'],
    ['FROM busybox\nRUN --mount=type=secret,id=x cat /run/secrets/x\n', 'Dockerfile:2: RUN --mount'],
    ['FROM busybox\nrun --MOUNT=type=ssh ls\n', 'Dockerfile:2: RUN --mount'],
    ['FROM busybox\nRUN \\\n  --mount=type=bind,target=/x ls\n', 'Dockerfile:2: RUN --mount'],
    ['FROM busybox\nRUN --network=host wget x\n', 'Dockerfile:2: RUN --network is not allowed in real mode (the build has no network)'],
    ['FROM busybox\nRUN --network=none ls\n', 'Dockerfile:2: RUN --network'],
    ['FROM busybox\nRUN --security=insecure ls\n', 'Dockerfile:2: RUN --security is not allowed'],
    ['FROM busybox\nRUN --device=/dev/kvm ls\n', 'Dockerfile:2: RUN --device is not allowed'],
    ['FROM busybox\nADD https://example.com/a.tgz /a\n', 'Dockerfile:2: ADD from a URL is not allowed in real mode (the build has no network)'],
    ['FROM busybox\nADD http://example.com/a /a\n', 'Dockerfile:2: ADD from a URL'],
    ['FROM busybox\nADD HTTP://EXAMPLE.COM/a /a\n', 'Dockerfile:2: ADD from a URL'],
    ['FROM busybox\nADD ["https://example.com/a", "/a"]\n', 'Dockerfile:2: ADD from a URL'],
    ['FROM busybox\nADD local.txt https://example.com/a /dir/\n', 'Dockerfile:2: ADD from a URL'],
    ['FROM busybox\nADD --checksum=sha256:00 https://example.com/a /a\n', 'Dockerfile:2: ADD from a URL'],
    ['FROM busybox\nADD git@github.com:moby/moby.git /src\n', 'Dockerfile:2: ADD from a git repository'],
    ['FROM busybox\nADD git://example.com/x.git /src\n', 'Dockerfile:2: ADD from a git repository'],
    ['FROM busybox\nADD github.com/moby/moby /src\n', 'Dockerfile:2: ADD from a git repository'],
    ['FROM busybox\nADD --keep-git-dir=true x /src\n', 'Dockerfile:2: ADD --keep-git-dir'],
    ['FROM busybox\nARG U=https://example.com/a\nADD $U /a\n', 'Dockerfile:3: ADD $U is not allowed'],
    ['FROM busybox\nADD ${SRC} /a\n', 'Dockerfile:2: ADD ${SRC} is not allowed'],
    ['FROM debian\n', 'Dockerfile:1: FROM debian is not allowed in real mode'],
    ['FROM busybox:1.36\n', 'Dockerfile:1: FROM busybox:1.36 is not allowed'],
    ['FROM --platform=linux/amd64 evil/image AS x\n', 'Dockerfile:1: FROM evil/image is not allowed'],
    ['ARG BASE=debian\nFROM $BASE\n', 'Dockerfile:2: FROM debian is not allowed'],
    ['ARG BASE=busybox\nFROM ${BASE}:1.0\n', 'Dockerfile:2: FROM busybox:1.0 is not allowed'],
    ['ARG BASE\nFROM $BASE\n', 'Dockerfile:2: FROM $BASE cannot be resolved'],
    ['FROM $UNDECLARED\n', 'Dockerfile:1: FROM $UNDECLARED cannot be resolved'],
    ['FROM busybox AS a\nARG IN_STAGE=busybox\nFROM $IN_STAGE\n', 'Dockerfile:3: FROM $IN_STAGE cannot be resolved'],
    ['FROM later\nFROM busybox AS later\n', 'Dockerfile:1: FROM later is not allowed'],
    ['FROM busybox AS self\nFROM self AS self2\nFROM self2\nFROM busybox\nCOPY --from=debian /etc /etc\n', 'Dockerfile:5: COPY --from=debian is not allowed'],
    ['FROM busybox\nCOPY --from=1 /a /a\n', 'Dockerfile:2: COPY --from=1 is not allowed'],
    ['FROM busybox\nCOPY --from=$IMG /a /a\n', 'Dockerfile:2: COPY --from=$IMG cannot be resolved'],
    ['ARG IMG=debian\nFROM busybox\nARG IMG\nCOPY --from=$IMG /a /a\n', 'Dockerfile:4: COPY --from=debian is not allowed'],
    ['FROM busybox\nLABEL org.layerlab.base=true\n', 'Dockerfile:2: LABEL org.layerlab.base is not allowed'],
    ['FROM busybox\nLABEL a=b "org.layerlab.session"=other\n', 'Dockerfile:2: LABEL org.layerlab.session'],
    ['FROM busybox\nLABEL org.layerlab.instance x\n', 'Dockerfile:2: LABEL org.layerlab.instance'],
    ['FROM busybox\nONBUILD ADD https://example.com/a /a\n', 'Dockerfile:2: ADD from a URL'],
    ['FROM busybox\nONBUILD RUN --mount=type=bind,target=/h ls\n', 'Dockerfile:2: RUN --mount'],
    ['FROM busybox\nONBUILD COPY --from=debian /a /a\n', 'Dockerfile:2: COPY --from=debian'],
    ['FROM busybox\nFROSTING x\n', 'unknown instruction'],
  ])('%j', (text, expected) => {
    const problems = checkDockerfile(text, isBase);
    expect(problems.join('\n')).toContain(expected);
  });

  it('lets a --build-arg override a base image default, as the build would', () => {
    expect(checkDockerfile('ARG BASE=busybox\nFROM $BASE\n', isBase, { BASE: 'debian' })).toEqual(['Dockerfile:2: FROM debian is not allowed in real mode: build from one of the base images']);
    expect(checkDockerfile('ARG BASE\nFROM $BASE\n', isBase, { BASE: 'alpine:3.21' })).toEqual([]);
    // a build arg for an ARG the file never declares changes nothing
    expect(checkDockerfile('FROM busybox\n', isBase, { BASE: 'debian' })).toEqual([]);
  });

  it('reports every problem with its line', () => {
    const p = checkDockerfile('FROM busybox\nRUN --network=host x\nADD https://a/b /b\nCOPY --from=debian / /\n', isBase);
    expect(p).toEqual([
      'Dockerfile:2: RUN --network is not allowed in real mode (the build has no network)',
      'Dockerfile:3: ADD from a URL is not allowed in real mode (the build has no network)',
      'Dockerfile:4: COPY --from=debian is not allowed in real mode: copy from an earlier stage or one of the base images',
    ]);
  });
});

describe('checkDockerfile allows ordinary Dockerfiles', () => {
  it.each([
    ['FROM busybox\nRUN echo hi > /greeting\nCMD ["cat", "/greeting"]\n'],
    ['FROM scratch\nCOPY app /app\n'],
    ['# escape=\\\nFROM busybox\n'],
    ['# just a comment mentioning syntax\nFROM busybox\n'],
    ['FROM busybox:latest AS build\nRUN echo x > /x\nFROM alpine:3.21\nCOPY --from=build /x /x\nCOPY --from=0 /x /y\nCOPY --from=BUILD /x /z\n'],
    ['FROM busybox AS base\nFROM base AS test\nRUN true\nFROM base\n'],
    ['ARG BASE=busybox\nFROM $BASE\nARG V=1\nRUN echo $V\n'],
    ['ARG TAG=latest\nFROM busybox:${TAG}\n'],
    ['FROM busybox\nCOPY --chown=1:1 --chmod=644 a.txt /a.txt\nADD archive.tar /opt/\nADD --chown=1:1 ["a b.txt", "/x/"]\n'],
    ['FROM busybox\nADD app.git /src/\n'],
    ['FROM busybox\nLABEL course=docker version="1.0"\nLABEL maintainer learner@example.com\n'],
    ['FROM busybox\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN echo child\n'],
    ['FROM busybox\nRUN <<EOF\necho hi\nEOF\n'],
  ])('%j', (text) => {
    expect(checkDockerfile(text, isBase)).toEqual([]);
  });
});
