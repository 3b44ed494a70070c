/**
 * `npm run lesson:schema`: writes docs/lesson.schema.json, the lesson front matter as JSON
 * Schema generated from the zod schema (src/lessons/schema.ts), for editor hints and
 * completion. tests/lessons checks the file is up to date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lessonJsonSchema } from '../lessons/schema.js';

export const SCHEMA_FILE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/lesson.schema.json');

export function schemaText(): string {
  return JSON.stringify(lessonJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
