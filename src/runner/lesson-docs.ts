/**
 * `npx tsx src/runner/lesson-docs.ts`: prints the goal-check vocabulary as Markdown, from
 * the schema's own descriptions, for pasting into docs/authoring.md. The schema stays the
 * one source: change a `.describe()` there and re-run this.
 */
import { z } from 'zod';
import { CheckSchema } from '../lessons/schema.js';

/** The wrapped type under optional/default, for naming a field's type. */
function inner(t: z.ZodType): z.ZodType {
  const def = (t as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
  return (def.type === 'optional' || def.type === 'default') && def.innerType ? inner(def.innerType) : t;
}

/** A field's type in a few words: `string`, `true \| false`, `"a" \| "b"`. */
function typeName(t: z.ZodType): string {
  const i = inner(t);
  const def = (i as unknown as { def: { type: string; element?: z.ZodType } }).def;
  if (i instanceof z.ZodEnum) return i.options.map((o) => `\`${String(o)}\``).join(' \\| ');
  if (def.type === 'array' && def.element) return `list of ${typeName(def.element)}`;
  return def.type;
}

/** The default value of a field, if it has one. */
function defaultOf(t: z.ZodType): string | undefined {
  const def = (t as unknown as { def: { type: string; defaultValue?: unknown; innerType?: z.ZodType } }).def;
  if (def.type === 'default') return JSON.stringify(def.defaultValue);
  return def.type === 'optional' && def.innerType ? defaultOf(def.innerType) : undefined;
}

/** The check list as Markdown: one section per check, one bullet per field. */
export function checkDocs(): string {
  const out: string[] = [];
  for (const option of CheckSchema.options) {
    const shape = option.shape as Record<string, z.ZodType>;
    const name = (shape.check as z.ZodLiteral<string>).value;
    out.push(`### \`${name}\``, '', `${option.description ?? ''}.`, '');
    for (const [field, t] of Object.entries(shape)) {
      if (field === 'check') continue;
      const optional = t.isOptional();
      const dflt = defaultOf(t);
      const extra = dflt !== undefined ? `, default ${dflt}` : optional ? ', optional' : '';
      const desc = t.description ?? inner(t).description ?? '';
      out.push(`- \`${field}\` (${typeName(t)}${extra})${desc ? `: ${desc}` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) process.stdout.write(checkDocs());
