import { describe, expect, it } from 'vitest';
import { hostSettings, parsePublish, parseRestartPolicy } from './host-config.js';
import { applyExitPolicy, resetRestartManager } from './restart.js';
import { parseSignal, signalReaction } from './signals.js';
import type { ContainerRecord } from './types.js';

describe('-p values', () => {
  it('parses ip, host port, container port, protocol and ranges', () => {
    expect(parsePublish('8080:80')).toEqual([{ port: '80/tcp', binding: { HostIp: '', HostPort: '8080' } }]);
    expect(parsePublish('127.0.0.1:9090:80/udp')).toEqual([{ port: '80/udp', binding: { HostIp: '127.0.0.1', HostPort: '9090' } }]);
    expect(parsePublish('53')).toEqual([{ port: '53/tcp', binding: { HostIp: '', HostPort: '' } }]);
    expect(parsePublish('8081-8082:81-82').map((p) => `${p.binding.HostPort}->${p.port}`)).toEqual(['8081->81/tcp', '8082->82/tcp']);
    expect(parsePublish('8000-8010:80')).toEqual([{ port: '80/tcp', binding: { HostIp: '', HostPort: '8000-8010' } }]);
  });

  it("rejects what the CLI rejects, with its words", () => {
    expect(() => parsePublish('99999:80')).toThrow('Invalid hostPort: 99999');
    expect(() => parsePublish('abc')).toThrow('Invalid containerPort: abc');
    expect(() => parsePublish('80/xyz')).toThrow('Invalid proto: xyz');
    expect(() => parsePublish('8081-8083:81-82')).toThrow('Invalid ranges specified for container and host Ports: 81-82 and 8081-8083');
  });
});

describe('--restart values', () => {
  it('accepts the four policies and a retry count for on-failure only', () => {
    expect(parseRestartPolicy('always')).toEqual({ Name: 'always', MaximumRetryCount: 0 });
    expect(parseRestartPolicy('on-failure:5')).toEqual({ Name: 'on-failure', MaximumRetryCount: 5 });
    expect(() => parseRestartPolicy('unless-stopped:2')).toThrow("maximum retry count cannot be used with restart policy 'unless-stopped'");
    expect(() => parseRestartPolicy('on-failure:-1')).toThrow('maximum retry count cannot be negative');
    expect(() => parseRestartPolicy('sometimes')).toThrow("invalid restart policy 'sometimes'");
  });

  it('validates limits like the daemon: 6MB minimum memory, CPUs within the host', () => {
    expect(() => hostSettings({ memory: 1024 })).toThrow('Minimum memory limit allowed is 6MB');
    expect(() => hostSettings({ nanoCpus: 5e9 })).toThrow('Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available');
    expect(hostSettings({ pidsLimit: 0 }).pidsLimit).toBeNull();
  });
});

describe('restart manager', () => {
  const container = (name: 'always' | 'on-failure' | 'unless-stopped', max = 0) => ({ host: { restartPolicy: { Name: name, MaximumRetryCount: max } } }) as unknown as ContainerRecord;

  it('backs off from 100 ms, doubling, and resets after a run of 10 seconds', () => {
    const c = container('always');
    resetRestartManager(c);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      applyExitPolicy(c, 1, 0.1, 100);
      delays.push(Math.round((c.restart!.at! - 100) * 1000));
    }
    applyExitPolicy(c, 1, 12, 100);
    delays.push(Math.round((c.restart!.at! - 100) * 1000));
    expect(delays).toEqual([100, 200, 400, 800, 100]);
    expect(c.restartCount).toBe(5);
  });

  it('restarts on-failure only after failures and at most N times; unless-stopped not after a manual stop', () => {
    const f = container('on-failure', 2);
    resetRestartManager(f);
    expect([applyExitPolicy(f, 0, 1, 0), applyExitPolicy(f, 1, 1, 0), applyExitPolicy(f, 1, 1, 0), applyExitPolicy(f, 1, 1, 0)]).toEqual([false, true, true, false]);
    const u = container('unless-stopped');
    u.manuallyStopped = true;
    expect(applyExitPolicy(u, 1, 1, 0)).toBe(false);
  });
});

describe('signals', () => {
  it('parses numbers and names with or without SIG, and rejects unknown ones', () => {
    expect([parseSignal('9'), parseSignal('KILL'), parseSignal('sigterm'), parseSignal('SIGRTMIN+1')]).toEqual([9, 9, 15, 35]);
    expect(() => parseSignal('FOO')).toThrow('Error response from daemon: Invalid signal: FOO');
    expect(() => parseSignal('0')).toThrow('Invalid signal: 0');
  });

  it('lets PID 1 ignore signals it has no handler for; nginx exits 0 on QUIT and reloads on HUP', () => {
    expect(signalReaction(['sleep', '300'], 15)).toBe('ignored');
    expect(signalReaction(['sleep', '300'], 9)).toEqual({ exit: 137 });
    expect(signalReaction(['nginx', '-g', 'daemon off;'], 3)).toEqual({ exit: 0 });
    expect(signalReaction(['/usr/sbin/nginx'], 1)).toBe('continue');
    expect(signalReaction(['python3.12', '-m', 'http.server'], 2)).toEqual({ exit: 0 });
  });
});
