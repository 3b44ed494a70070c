/**
 * A gutter that shows, beside each Dockerfile instruction, whether building now would
 * take the step from the cache ("cached") or run it ("runs", with the reason on hover).
 * The marks come from the engine's prediction; the gutter only draws them.
 */
import { RangeSet, StateEffect, StateField, type Extension } from '@codemirror/state';
import { gutter, GutterMarker, type EditorView } from '@codemirror/view';
import type { PredictMark } from './predict-marks.js';

class PredictMarker extends GutterMarker {
  constructor(readonly mark: PredictMark) {
    super();
  }

  override eq(other: GutterMarker): boolean {
    return other instanceof PredictMarker && other.mark.cached === this.mark.cached && other.mark.label === this.mark.label;
  }

  override toDOM(): Node {
    const el = document.createElement('span');
    el.className = this.mark.cached ? 'cm-predict-hit' : 'cm-predict-miss';
    el.textContent = this.mark.cached ? 'cached' : 'runs';
    el.title = this.mark.label;
    el.setAttribute('aria-label', this.mark.label);
    return el;
  }
}

const setMarks = StateEffect.define<readonly PredictMark[]>();

const marksField = StateField.define<RangeSet<GutterMarker>>({
  create: () => RangeSet.empty,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setMarks)) continue;
      const doc = tr.state.doc;
      const ranges = e.value.filter((m) => m.line >= 1 && m.line <= doc.lines).map((m) => new PredictMarker(m).range(doc.line(m.line).from));
      marks = RangeSet.of(ranges, true);
    }
    return marks;
  },
});

/** The prediction gutter; fill it with `showPrediction`. */
export function predictGutter(): Extension {
  return [
    marksField,
    gutter({
      class: 'cm-predict-gutter',
      markers: (view) => view.state.field(marksField),
      // reserve the width of the longer word so the text does not jump when marks arrive
      initialSpacer: () => new PredictMarker({ line: 0, cached: true, label: '' }),
    }),
  ];
}

/** Replaces the gutter's marks (lines refer to the current document). */
export function showPrediction(view: EditorView, marks: readonly PredictMark[]): void {
  view.dispatch({ effects: setMarks.of(marks) });
}
