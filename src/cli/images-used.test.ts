import { describe, expect, it } from 'vitest';
import { imagesUsed } from './images-used.js';

describe('imagesUsed', () => {
  it('names the bases Dockerfiles build FROM, normalized, but not their own stages or scratch', () => {
    const df = 'FROM --platform=linux/amd64 python:3.12-slim AS build\nRUN pip install x\nFROM build AS test\nFROM scratch\nFROM \\\n  alpine\nCOPY --from=build /x /x\n';
    expect(imagesUsed([df], [])).toEqual(['python:3.12-slim', 'alpine:latest']);
  });

  it('names what commands run, create and pull, through flags and env prefixes', () => {
    const lines = ['docker run -d --name web -p 8080:80 -e A=1 -v data:/data nginx:1.27-alpine', 'DOCKER_BUILDKIT=0 docker container create --rm busybox echo hi', 'docker pull ubuntu:24.04', 'ls -l', 'echo docker run fake:1'];
    expect(imagesUsed([], lines)).toEqual(['nginx:1.27-alpine', 'busybox:latest', 'ubuntu:24.04']);
  });

  it('leaves out what the lesson makes itself: build tags and tag targets, before or after their use', () => {
    const lines = ['docker run shop:1', 'docker build -t shop:1 -t localhost:5000/shop:stable .', 'docker tag shop:1 shop:2', 'docker run --rm shop:2', 'docker run --rm localhost:5000/shop:stable'];
    // shop:1 is run before it is built: still the lesson's own
    expect(imagesUsed(['FROM alpine:3.21\n'], lines)).toEqual(['alpine:3.21']);
  });

  it('skips what it cannot read: variables, digests, bad quoting, bad flags', () => {
    const lines = ['docker run $IMAGE', 'docker run app@sha256:' + 'a'.repeat(64), "docker run 'unclosed", 'docker run --no-such-flag x:1'];
    expect(imagesUsed(['FROM ${BASE}\n'], lines)).toEqual([]);
  });
});
