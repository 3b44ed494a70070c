/**
 * dockerfile-ast calls Node's `Buffer.from` (to detect a UTF-8 BOM); browsers
 * get the standard `buffer` polyfill, installed before the engine loads.
 */
import { Buffer } from 'buffer';

const g = globalThis as { Buffer?: unknown };
g.Buffer ??= Buffer;
