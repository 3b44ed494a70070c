import { describe, expect, it } from 'vitest';
import { instructionOf } from './reason.js';

describe('build view words', () => {
  it('turns history rows back into Dockerfile lines', () => {
    expect(instructionOf('/bin/sh -c #(nop)  CMD ["cat" "/hello.txt"]')).toBe('CMD ["cat" "/hello.txt"]');
    expect(instructionOf('/bin/sh -c npm install')).toBe('RUN npm install');
    expect(instructionOf('|1 V=2 /bin/sh -c make')).toBe('RUN make');
    expect(instructionOf('COPY hello.txt /hello.txt # buildkit')).toBe('COPY hello.txt /hello.txt');
    expect(instructionOf('RUN /bin/sh -c npm install # buildkit')).toBe('RUN npm install');
    expect(instructionOf('RUN |1 V=2 /bin/sh -c make # buildkit')).toBe('RUN make');
    expect(instructionOf('')).toBe('(base)');
  });
});
