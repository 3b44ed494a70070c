import { describe, expect, it } from 'vitest';
import { parseClassroomMessage } from './schema.js';

const ok = (m: unknown) => parseClassroomMessage(JSON.stringify(m));
const bad = (m: unknown) => expect(() => parseClassroomMessage(typeof m === 'string' ? m : JSON.stringify(m))).toThrow();

describe('classroom message schema', () => {
  it('trims nicknames and keeps them plain text', () => {
    expect(ok({ t: 'join', code: 'ABC', nickname: '  Zoë 🐳 ' })).toMatchObject({ nickname: 'Zoë 🐳' });
    bad({ t: 'join', code: 'ABC', nickname: '   ' });
    bad({ t: 'join', code: 'ABC', nickname: 'a'.repeat(33) });
    bad({ t: 'join', code: 'ABC', nickname: 'ann\u001b[31m' });
    bad({ t: 'join', code: 'ABC', nickname: 'ann\u202eevil' });
    bad({ t: 'join', code: 'ABC', nickname: 'ann\n' + 'x' });
  });

  it('refuses extra fields, wrong types, unknown messages and non-JSON', () => {
    bad({ t: 'join', code: 'ABC', nickname: 'a', admin: true });
    bad({ t: 'progress', lesson: 'c/l', progress: { step: 'a', done: [], failures: -1, updatedAt: 1 } });
    bad({ t: 'progress', lesson: '../etc', progress: { step: 'a', done: [], failures: 0, updatedAt: 1 } });
    bad({ t: 'progress', lesson: 'c/l', progress: { step: 'A B', done: [], failures: 0, updatedAt: 1 } });
    bad({ t: 'roster' });
    bad('not json');
    bad({ t: 'hint', to: 'all', text: 'x'.repeat(2001) });
    bad({ t: 'cast', frame: { kind: 'panel', view: 'layers', world: { images: 'no' } } });
  });

  it('accepts every message of the protocol', () => {
    ok({ t: 'join', code: 'ABC', nickname: 'a', resume: { id: 'i', key: 'k' } });
    ok({ t: 'progress', lesson: 'c/l', progress: { step: 'a', done: ['a'], failures: 0, updatedAt: 1 } });
    ok({ t: 'sync', current: null, lessons: { 'c/l': { step: 'a', done: [], failures: 0, updatedAt: 1 } } });
    ok({ t: 'ping' });
    ok({ t: 'instructor', token: 't' });
    ok({ t: 'hint', to: 'all', text: 'look at the Dockerfile' });
    ok({ t: 'push-start', lesson: 'c/l' });
    ok({ t: 'hold', hold: { lesson: 'c/l', step: 'a' } });
    ok({ t: 'hold', hold: null });
    ok({ t: 'stuck-rule', rule: { minutes: 5, failures: 2 } });
    ok({ t: 'cast', frame: { kind: 'start', title: 'demo' } });
    ok({ t: 'cast', frame: { kind: 'term', data: '$ docker ps\r\n' } });
    ok({ t: 'cast', frame: { kind: 'panel', view: 'layers', world: { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 1 } } });
    ok({ t: 'cast', frame: { kind: 'stop' } });
    ok({ t: 'end' });
  });
});
