import { describe, expect, it } from 'vitest';
import { classroomUrl, Link, type Connect, type SocketHandlers } from './link.js';

describe('classroom link', () => {
  it('uses the page origin, wss on https', () => {
    expect(classroomUrl({ protocol: 'http:', host: '10.0.0.5:8080' })).toBe('ws://10.0.0.5:8080/classroom/ws');
    expect(classroomUrl({ protocol: 'https:', host: 'class.example' })).toBe('wss://class.example/classroom/ws');
  });

  it('waits longer after each failed reconnect, up to the maximum, and quickly again once greeted', () => {
    const sockets: SocketHandlers[] = [];
    const connect: Connect = (_url, on) => (sockets.push(on), { send: () => undefined, close: () => undefined });
    const waits: number[] = [];
    let due: (() => void) | undefined;
    const timers = {
      setTimeout: (fn: () => void, ms: number) => ((waits.push(ms), (due = fn)), 1),
      clearTimeout: () => undefined,
      setInterval: () => 2,
      clearInterval: () => undefined,
    };
    const link = new Link({ url: 'ws://x', connect, timers, hello: () => ({ t: 'ping' }), minDelay: 100, maxDelay: 400 });
    const states: string[] = [];
    link.onState((s) => states.push(s));
    link.start();
    for (let i = 0; i < 4; i++) {
      sockets.at(-1)!.close();
      due!();
    }
    // jitter keeps each wait within a quarter of 100, 200, 400, 400
    expect(waits.map((w, i) => w / [100, 200, 400, 400][i]!).every((r) => r >= 0.75 && r <= 1.25)).toBe(true);
    sockets.at(-1)!.open();
    link.settled();
    sockets.at(-1)!.close();
    expect(waits.at(-1)! / 100).toBeLessThanOrEqual(1.25);
    link.close();
    due!();
    expect(sockets).toHaveLength(5);
    expect(states.slice(0, 3)).toEqual(['waiting', 'connecting', 'waiting']);
    expect(states.at(-1)).toBe('closed');
  });
});
