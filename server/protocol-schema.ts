/** zod schemas for every message a client may send (src/shared/protocol.ts); anything else is refused. */
import { z } from 'zod';
import type { ClientMessage } from '../src/shared/protocol.js';

const id = z.number().int().min(0).max(2 ** 31);
/** A container, image or volume name as the learner typed it. */
const name = z.string().min(1).max(512);
const contextEntry = z.object({
  path: z.string().max(4096),
  type: z.enum(['file', 'dir']),
  mode: z.number().int().min(0).max(0o7777),
  mtime: z.number().finite(),
  data: z.string().optional(),
}).strict();

export const clientMessage = z.discriminatedUnion('t', [
  // exactly one of token and learner: parseClientMessage checks that (a discriminated union cannot)
  z.object({
    t: z.literal('hello'),
    token: z.string().max(200).optional(),
    learner: z.object({ id: z.string().min(1).max(64), key: z.string().min(1).max(200) }).strict().optional(),
    cols: z.number().int().min(1).max(1000).optional(),
    rows: z.number().int().min(1).max(1000).optional(),
  }).strict(),
  z.object({
    t: z.literal('docker'),
    id,
    argv: z.array(z.string().max(8192)).max(512),
    env: z.record(z.string().max(64), z.string().max(4096)).optional(),
    tty: z.boolean().optional(),
    context: z.array(contextEntry).max(10_000).optional(),
  }).strict(),
  z.object({ t: z.literal('stdin'), id, data: z.string().max(65_536) }).strict(),
  z.object({ t: z.literal('resize'), id, cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }).strict(),
  z.object({ t: z.literal('cancel'), id }).strict(),
  z.object({ t: z.literal('reset'), id }).strict(),
  z.object({
    t: z.literal('query'),
    id,
    query: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('path'), where: z.union([z.object({ container: name }).strict(), z.object({ image: name }).strict(), z.object({ volume: name }).strict()]), path: z.string().min(1).max(4096) }).strict(),
      z.object({ kind: z.literal('layer'), diffId: z.string().regex(/^sha256:[0-9a-f]{64}$/) }).strict(),
    ]),
  }).strict(),
  z.object({ t: z.literal('demo'), id, name: z.string().max(64), params: z.record(z.string().max(64), z.union([z.string().max(256), z.number()])).optional() }).strict(),
]);

/** Parses one raw WebSocket message against `schema`; an Error with a plain reason when it does not match. */
export function parseWith<S extends z.ZodType>(schema: S, raw: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('a message was not JSON');
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new Error(`a message did not match the protocol: ${r.error.issues[0]?.path.join('.') || 'message'}: ${r.error.issues[0]?.message}`);
  return r.data;
}

/** Parses one raw WebSocket message; an Error with a plain reason when it is not a valid ClientMessage. */
export function parseClientMessage(raw: string): ClientMessage {
  const msg = parseWith(clientMessage, raw);
  if (msg.t === 'hello' && (msg.token === undefined) === (msg.learner === undefined)) throw new Error('hello carries either the token or the learner id and key, not both and not neither');
  return msg as ClientMessage;
}
