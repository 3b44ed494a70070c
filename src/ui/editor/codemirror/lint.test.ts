import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { lintDockerfile } from '../../../engine/lint.js';
import { diagnosticsFor } from './lint.js';

const doc = (s: string) => Text.of(s.split('\n'));

describe('diagnosticsFor', () => {
  it('spans the finding’s line from its first non-blank character to its end', () => {
    const d = doc('FROM alpine:3.20\n  RUN apk add curl\n');
    const [diag] = diagnosticsFor([{ rule: 'DL3019', severity: 'info', line: 2, message: 'Use --no-cache' }], d);
    expect(d.sliceString(diag!.from, diag!.to)).toBe('RUN apk add curl');
  });

  it('leads the message with the rule ID and maps severities (style becomes hint)', () => {
    const diags = diagnosticsFor(
      [
        { rule: 'DL3020', severity: 'error', line: 1, message: 'Use COPY' },
        { rule: 'XX1', severity: 'style', line: 1, message: 'tidy' },
      ],
      doc('ADD a /a'),
    );
    expect(diags.map((d) => [d.severity, d.message])).toEqual([
      ['error', 'DL3020: Use COPY'],
      ['hint', 'XX1: tidy'],
    ]);
  });

  it('clamps a line past the end of the document to the last line', () => {
    const d = doc('FROM scratch\n');
    const [diag] = diagnosticsFor([{ rule: 'DL1000', severity: 'error', line: 9, message: 'parse error' }], d);
    expect(diag).toMatchObject({ from: d.length, to: d.length });
  });

  it('places the engine’s own findings on the lines they name', () => {
    const text = 'FROM ubuntu:latest\nRUN apt-get update\nRUN apt-get install -y curl\n';
    const diags = diagnosticsFor(lintDockerfile(text), doc(text));
    const lines = diags.map((d) => [doc(text).lineAt(d.from).number, d.message.split(':')[0]]);
    expect(lines).toContainEqual([1, 'DL3007']);
    expect(lines).toContainEqual([3, 'DL3059']);
  });
});
