import { describe, expect, it } from 'vitest';
import { SimBackend } from '../backends/sim.js';

describe('Tab completion', () => {
  const b = new SimBackend();
  const c = (line: string) => b.complete(line, line.length);

  it('completes docker subcommands', () => {
    expect(c('docker ru')).toEqual(['run']);
    expect(c('docker image l')).toEqual(['list', 'ls']);
  });

  it('completes flags of the command', () => {
    expect(c('docker run --rm --na')).toEqual(['--name']);
    expect(c('docker build -')).toContain('-t');
  });

  it('offers image names after docker run flags', () => {
    expect(c('docker run --rm ')).toEqual(['oracle-base', 'oracle-base:local']);
    expect(c('docker run --name web o')).toEqual(['oracle-base', 'oracle-base:local']);
  });

  it('offers container and volume names', async () => {
    await b.run('docker create --name box oracle-base:local sh && docker volume create data', { stdout: () => {}, stderr: () => {} });
    expect(c('docker start b')).toEqual(['box']);
    expect(c('docker volume rm ')).toEqual(['data']);
  });

  it('completes folders for cd with a trailing slash', () => {
    expect(c('cd a')).toEqual(['app/']);
    expect(c('cat app/D')).toEqual(['app/Dockerfile']);
    expect(c('docker build -t x h')).toEqual(['hello/']);
  });

  it('completes command names at the start of a line and after &&', () => {
    expect(c('ed')).toEqual(['edit']);
    expect(c('cd app && do')).toEqual(['docker']);
  });
});
