/**
 * The file editor: CodeMirror 6 with the language for the file, the engine's lint
 * findings inline and the cache prediction in a gutter. Loaded with a dynamic import()
 * by FileView, so none of this is in the initial bundle.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, indentOnInput, StreamLanguage, syntaxHighlighting, type StreamParser } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { LintFinding } from '../../../engine/lint.js';
import type { BuildStepEvent } from '../../../shared/events.js';
import { languageOf, type LanguageName } from './languages.js';
import { diagnosticsFor } from './lint.js';
import { predictGutter, showPrediction } from './predict-gutter.js';
import { predictionMarks } from './predict-marks.js';

export interface EditorOptions {
  parent: HTMLElement;
  path: string;
  text: string;
  /** Called with the whole document after every change. */
  onchange: (text: string) => void;
  /** Ctrl-S / Cmd-S. */
  onsave: () => void;
}

/** The handle FileView drives the editor through. */
export interface FileEditor {
  /** Opens another file (or the same one afresh): new document, new undo history. */
  load(path: string, text: string): void;
  /** Replaces the text in place (the file changed on disk), keeping undo history. */
  replace(text: string): void;
  showFindings(findings: readonly LintFinding[]): void;
  showPrediction(steps: readonly BuildStepEvent[]): void;
  hasFocus(): boolean;
  focus(): void;
  destroy(): void;
}

const parsers: Record<Exclude<LanguageName, 'dockerfile'>, () => Promise<StreamParser<unknown>>> = {
  shell: async () => (await import('@codemirror/legacy-modes/mode/shell')).shell,
  json: async () => (await import('@codemirror/legacy-modes/mode/javascript')).json,
  javascript: async () => (await import('@codemirror/legacy-modes/mode/javascript')).javascript,
  yaml: async () => (await import('@codemirror/legacy-modes/mode/yaml')).yaml,
  toml: async () => (await import('@codemirror/legacy-modes/mode/toml')).toml,
  properties: async () => (await import('@codemirror/legacy-modes/mode/properties')).properties,
};

const languages = new Map<LanguageName, Promise<Extension>>([['dockerfile', Promise.resolve(StreamLanguage.define(dockerFile))]]);

/** The highlighting for `name`; Dockerfiles' is in this chunk, the others load on first use. */
function loadLanguage(name: LanguageName): Promise<Extension> {
  let lang = languages.get(name);
  if (!lang) {
    lang = parsers[name as Exclude<LanguageName, 'dockerfile'>]().then((p) => StreamLanguage.define(p));
    languages.set(name, lang);
  }
  return lang;
}

// Colours come from CSS variables, so the app's light and dark themes both apply.
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--cm-keyword)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--cm-string)' },
  { tag: [tags.number, tags.bool, tags.atom], color: 'var(--cm-number)' },
  { tag: [tags.comment, tags.meta], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.variableName, tags.propertyName, tags.definition(tags.variableName)], color: 'var(--cm-variable)' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

const theme = EditorView.theme({
  '&': {
    '--cm-keyword': '#8250df',
    '--cm-string': '#0a3069',
    '--cm-number': '#0550ae',
    '--cm-variable': '#953800',
    height: '100%',
    minHeight: '0',
    fontSize: '0.9em',
    color: 'var(--fg)',
    backgroundColor: 'var(--bg)',
  },
  ':root[data-theme="dark"] &': {
    '--cm-keyword': '#d2a8ff',
    '--cm-string': '#a5d6ff',
    '--cm-number': '#79c0ff',
    '--cm-variable': '#ffa657',
  },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-2px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)', padding: '0.5rem 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    backgroundColor: 'var(--selection)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--selection) 35%, transparent)' },
  '.cm-selectionMatch': { backgroundColor: 'color-mix(in srgb, var(--accent) 20%, transparent)' },
  '.cm-gutters': { backgroundColor: 'var(--bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--selection) 35%, transparent)', color: 'var(--fg)' },
  '.cm-predict-gutter .cm-gutterElement': { padding: '0 0.4em', fontSize: '0.8em', lineHeight: '1.875', fontFamily: 'system-ui, sans-serif' },
  '.cm-predict-hit': { color: 'var(--ok)' },
  '.cm-predict-miss': { color: 'var(--warn)', fontWeight: '600' },
  '.cm-tooltip': { backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-diagnostic': { fontFamily: 'system-ui, sans-serif' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--warn)' },
  '.cm-diagnostic-info, .cm-diagnostic-hint': { borderLeftColor: 'var(--accent)' },
  '.cm-panels': { backgroundColor: 'var(--bg)', color: 'var(--fg)' },
  '.cm-panels.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-textfield': { backgroundColor: 'var(--bg)', color: 'var(--fg)', border: '1px solid var(--border)' },
});

/** Creates the editor in `parent`. Tab is left to move focus (no indentWithTab), so the keyboard never gets stuck in it. */
export function createEditor(opts: EditorOptions): FileEditor {
  const language = new Compartment();
  let path = opts.path;

  function extensions(forPath: string): Extension[] {
    const name = languageOf(forPath);
    const dockerfile = name === 'dockerfile';
    return [
      Prec.highest(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (opts.onsave(), true) }])),
      dockerfile ? predictGutter() : [],
      lineNumbers(),
      dockerfile ? lintGutter() : [],
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      // the editor pane is often narrow (phones, large type): wrap rather than scroll sideways
      EditorView.lineWrapping,
      highlightSelectionMatches(),
      syntaxHighlighting(highlight),
      language.of([]),
      keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap]),
      EditorView.contentAttributes.of({ 'aria-label': `Contents of ${forPath}`, spellcheck: 'false' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) opts.onchange(u.state.doc.toString());
      }),
      theme,
    ];
  }

  const view = new EditorView({ parent: opts.parent, state: EditorState.create({ doc: opts.text, extensions: extensions(path) }) });

  function applyLanguage(forPath: string) {
    const name = languageOf(forPath);
    if (!name) return;
    loadLanguage(name).then(
      (ext) => {
        // a file switch while the mode loaded: the new file has its own
        if (path === forPath) view.dispatch({ effects: language.reconfigure(ext) });
      },
      () => {}, // no highlighting is fine; the text is all there
    );
  }
  applyLanguage(path);

  return {
    load(next, text) {
      path = next;
      view.setState(EditorState.create({ doc: text, extensions: extensions(next) }));
      applyLanguage(next);
    },
    replace(text) {
      const doc = view.state.doc;
      if (doc.toString() === text) return;
      view.dispatch({ changes: { from: 0, to: doc.length, insert: text } });
    },
    showFindings(findings) {
      if (languageOf(path) !== 'dockerfile') return;
      view.dispatch(setDiagnostics(view.state, diagnosticsFor(findings, view.state.doc)));
    },
    showPrediction(steps) {
      if (languageOf(path) !== 'dockerfile') return;
      showPrediction(view, predictionMarks(steps));
    },
    hasFocus: () => view.hasFocus,
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
