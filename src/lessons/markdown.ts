/**
 * Lesson prose to HTML, with "run" buttons on commands and "open" buttons on workspace files.
 * Lesson Markdown is trusted repository content, but raw HTML in it is escaped anyway and
 * links only go to http(s) or within the page. Buttons carry `data-run` / `data-open`; the
 * pane handles their clicks.
 */
import { Marked, type Tokens } from 'marked';

/** The console's own commands (src/console/commands.ts) that a lesson may ask to run. */
const WORKSPACE_COMMANDS = new Set(['ls', 'cd', 'pwd', 'cat', 'mkdir', 'rm', 'touch', 'echo', 'edit', 'history', 'undo', 'redo', 'curl']);

/** True when inline code is a command the console runs: `docker ...` or a workspace command with arguments or alone. */
export function isRunnable(code: string): boolean {
  const line = code.trim();
  if (!line || line.includes('\n')) return false;
  const first = line.split(/\s+/)[0]!;
  if (first === 'docker') return /^docker\s+\S/.test(line);
  return WORKSPACE_COMMANDS.has(first) && !/[A-Z]{3,}/.test(line); // `docker build -t NAME .` is a template, not a command
}

/** The commands in a fenced block: `console` lines after `$ `; `sh`/`bash`/`shell` lines (comments dropped, `\` joined). */
export function commandsInBlock(lang: string | undefined, text: string): string[] {
  const l = (lang ?? '').trim().split(/\s+/)[0]!.toLowerCase();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (l === 'console' || l === 'shell-session') return lines.filter((x) => /^\$ \S/.test(x)).map((x) => x.slice(2).trim());
  if (l !== 'sh' && l !== 'bash' && l !== 'shell') return [];
  const out: string[] = [];
  let cont = '';
  for (const raw of lines) {
    const x = raw.trim();
    if (!cont && (!x || x.startsWith('#'))) continue;
    if (x.endsWith('\\')) cont += x.slice(0, -1).trimEnd() + ' ';
    else {
      out.push((cont + x).trim());
      cont = '';
    }
  }
  if (cont.trim()) out.push(cont.trim());
  return out.filter((c) => c !== '');
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface RenderOptions {
  /** Whether inline code names a workspace file (relative to the root, or to `cwd`); returns its absolute path. */
  fileAt?(code: string): string | undefined;
}

function runButton(cmd: string, label: string): string {
  return `<button type="button" class="run" data-run="${escapeHtml(cmd)}" aria-label="Run in the console: ${escapeHtml(cmd)}" title="Type it into the console and run it">${label}</button>`;
}

/** Renders lesson Markdown to HTML with run and open buttons; raw HTML shows as text. */
export function renderLessonMarkdown(md: string, opts: RenderOptions = {}): string {
  const marked = new Marked({
    gfm: true,
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(text);
      },
      code({ text, lang }: Tokens.Code): string {
        const cmds = commandsInBlock(lang, text);
        const cls = lang ? ` class="language-${escapeHtml(lang.split(/\s+/)[0]!)}"` : '';
        const pre = `<pre><code${cls}>${escapeHtml(text)}</code></pre>`;
        if (!cmds.length) return pre;
        const buttons = cmds.map((c) => runButton(c, cmds.length === 1 ? '▶ Run' : `▶ <code>${escapeHtml(c)}</code>`)).join('');
        return `<div class="code-block">${pre}<div class="runs">${buttons}</div></div>`;
      },
      codespan({ text }: Tokens.Codespan): string {
        const code = `<code>${escapeHtml(text)}</code>`;
        if (isRunnable(text)) return `<span class="cmd">${code}${runButton(text.trim(), '▶')}</span>`;
        const file = opts.fileAt?.(text.trim());
        if (file) return `<span class="file">${code}<button type="button" class="open" data-open="${escapeHtml(file)}" aria-label="Open ${escapeHtml(text.trim())} in the editor" title="Open it in the editor">open</button></span>`;
        return code;
      },
      link({ href, tokens }: Tokens.Link): string {
        const inner = this.parser.parseInline(tokens);
        if (!/^(https?:\/\/|#)/i.test(href)) return inner;
        const external = !href.startsWith('#');
        return `<a href="${escapeHtml(href)}"${external ? ' target="_blank" rel="noopener noreferrer"' : ''}>${inner}</a>`;
      },
      image({ text }: Tokens.Image): string {
        return escapeHtml(text);
      },
    },
  });
  return marked.parse(md, { async: false });
}
