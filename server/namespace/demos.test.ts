import { describe, expect, it } from 'vitest';
import { DemoRefused, listDemos, prepareDemo } from './demos.js';
import { PREAMBLE } from './scripts.js';

describe('namespace demos', () => {
  it('lists every demo with a description and a JSON schema of its parameters', () => {
    const demos = listDemos();
    expect(demos.map((d) => d.name)).toEqual(expect.arrayContaining(['ps', 'hostname', 'network', 'mounts', 'limits', 'whoami', 'forkbomb', 'memhog', 'sleep']));
    for (const d of demos) {
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.params).toMatchObject({ type: 'object', additionalProperties: false });
    }
    const hostname = demos.find((d) => d.name === 'hostname')!;
    expect(hostname.params).toMatchObject({ properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,30}$' }, memoryMb: { minimum: 16, maximum: 256 } } });
  });

  it('refuses an unknown demo, naming the ones there are', () => {
    expect(() => prepareDemo('bash', {})).toThrow(DemoRefused);
    expect(() => prepareDemo('bash', {})).toThrow(/unknown demo "bash": the demos are ps, hostname/);
    expect(() => prepareDemo('__proto__', {})).toThrow(/unknown demo/);
  });

  it('refuses unknown parameters and says which the demo takes', () => {
    expect(() => prepareDemo('ps', { cmd: 'rm -rf /' })).toThrow(/unknown parameter "cmd" \(it takes memoryMb, pids, cpuPercent\)/);
  });

  it('refuses hostnames that are not a plain lowercase name', () => {
    for (const name of ['x;reboot', 'Web', '-a', '1abc', 'a'.repeat(32), '$(id)', 'a b', '']) {
      expect(() => prepareDemo('hostname', { name }), name).toThrow(/parameter "name"/);
    }
    expect(prepareDemo('hostname', { name: 'web-1' }).hostname).toBe('web-1');
  });

  it('refuses limits outside their caps and coerces numeric strings', () => {
    expect(() => prepareDemo('limits', { memoryMb: 4096 })).toThrow(/parameter "memoryMb"/);
    expect(() => prepareDemo('limits', { pids: 2 })).toThrow(/parameter "pids"/);
    expect(() => prepareDemo('limits', { cpuPercent: 'lots' })).toThrow(/parameter "cpuPercent"/);
    expect(() => prepareDemo('memhog', { memoryMb: 200 })).toThrow(/parameter "memoryMb"/);
    expect(() => prepareDemo('sleep', { seconds: 1.5 })).toThrow(/parameter "seconds"/);
    expect(prepareDemo('limits', { memoryMb: '48', pids: 20, cpuPercent: '30' }).limits).toEqual({ memoryBytes: 48 * 1024 * 1024, pids: 20, cpuPercent: 30 });
  });

  it('puts numbers only into the script body, never parameter text', () => {
    const d = prepareDemo('sleep', { seconds: '7' });
    expect(d.body).toContain('sleep 7\n');
    expect(PREAMBLE).toContain('read go');
  });
});
