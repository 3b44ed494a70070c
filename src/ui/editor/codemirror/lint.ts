/**
 * The engine's lint findings as CodeMirror diagnostics. Pure: the lint itself runs in
 * the engine (src/engine/lint.ts); this only places each finding on its line.
 */
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { LintFinding, Severity } from '../../../engine/lint.js';

const SEVERITY: Record<Severity, Diagnostic['severity']> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
  style: 'hint',
};

/** One diagnostic per finding, spanning its line without the indentation; the message leads with the rule ID. */
export function diagnosticsFor(findings: readonly LintFinding[], doc: Text): Diagnostic[] {
  return findings.map((f) => {
    const line = doc.line(Math.min(Math.max(f.line, 1), doc.lines));
    const indent = /^\s*/.exec(line.text)![0].length;
    const from = Math.min(line.from + indent, line.to);
    return { from, to: line.to, severity: SEVERITY[f.severity], message: `${f.rule}: ${f.message}` };
  });
}
