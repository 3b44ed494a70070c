/**
 * Share links, backend side: what a link carries from a workspace, and how a fresh world is
 * rebuilt from one. Works on any Backend, so a link made in the simulator opens anywhere.
 */
import type { Backend, BackendOutput } from './backend.js';

/** What a share link carries (persistence/share.ts encodes it into the URL). */
export interface SharePayload {
  /** Text files by path relative to the workspace root. */
  files: Record<string, string>;
  history: string[];
}

/** Commands that only change files or the screen: replaying them would fight the shared files. */
const SKIP = new Set(['rm', 'mkdir', 'touch', 'edit', 'clear', 'reset', 'undo', 'redo', 'history', 'help', 'cat', 'ls']);

/** The workspace's text files (relative to its root) and the command history. Binary files are left out and named. */
export function sharePayload(backend: Backend): { payload: SharePayload; skipped: string[] } {
  const { root } = backend.workspace;
  const files: Record<string, string> = {};
  const skipped: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const e of backend.workspace.list()) {
    if (e.type !== 'file') continue;
    const rel = e.path.slice(root.length + 1);
    const bytes = backend.workspace.readBytes(e.path);
    if (!bytes) continue;
    try {
      files[rel] = decoder.decode(bytes);
    } catch {
      skipped.push(rel);
    }
  }
  return { payload: { files, history: [...backend.history] }, skipped };
}

/** Which history lines a replay runs: docker commands, cd and variables; not file edits. */
export function replayable(line: string): boolean {
  const first = line.trim().split(/\s+/)[0] ?? '';
  if (first === '' || SKIP.has(first)) return false;
  if (/(^|[^>])>>?[^>]/.test(line) && !/^docker\b/.test(line.trim())) return false;
  return true;
}

/**
 * Rebuilds a shared world in `backend` (expected fresh): the shared files replace the
 * workspace, then the history's docker commands run again in order, echoed to `out`, and the
 * files are written once more so the workspace ends exactly as shared. Returns the lines run.
 */
export async function replayShare(backend: Backend, payload: SharePayload, out: BackendOutput, echo: (line: string) => void): Promise<string[]> {
  const ws = backend.workspace;
  const place = () => {
    for (const e of ws.list()) if (e.type === 'file' && !(e.path.slice(ws.root.length + 1) in payload.files)) ws.remove(e.path);
    for (const [rel, text] of Object.entries(payload.files)) ws.write(`${ws.root}/${rel}`, text);
  };
  place();
  const ran: string[] = [];
  for (const line of payload.history) {
    if (!replayable(line)) continue;
    echo(line);
    await backend.run(line, out);
    ran.push(line);
  }
  place();
  backend.history = [...payload.history];
  return ran;
}
