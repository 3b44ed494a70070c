/**
 * Redirections: opening files on the layered Fs (with its permission checks),
 * here-documents, descriptor duplication and the devices. Output to a file is
 * buffered and appended on close, so a loop writing a line at a time does not
 * rewrite (and rehash) the whole file for every line.
 */
import { FsError, type Fs } from '../fs/types.js';
import type { Redir } from './ast.js';
import { expandString } from './expand.js';
import { abs, canOpen, readText } from './files.js';
import type { Shell } from './interp.js';
import { inStream, type FdTable, type Machine, type OutStream, type Stream } from './process.js';

/** A redirection that could not be set up; the message follows the shell's prefix. */
export class RedirError extends Error {}

/** An output redirection to a file: buffered, appended on flush. */
export class FileSink implements OutStream {
  readonly kind = 'out';
  private buf: string[] = [];

  constructor(
    private readonly fs: Fs,
    readonly path: string,
    private readonly machine: Machine,
    private readonly registry: Set<FileSink>,
  ) {
    registry.add(this);
  }

  write(s: string): void {
    this.machine.wrote(s.length);
    this.buf.push(s);
  }

  flush(): void {
    if (this.buf.length === 0) return;
    const data = this.buf.join('');
    this.buf = [];
    try {
      this.fs.writeFile(this.path, data, { append: true });
    } catch {
      // the file went away or became unwritable after open: the bytes are lost, as with a deleted open file
    }
  }

  close(): void {
    this.flush();
    this.registry.delete(this);
  }
}

const NULL_SINK: OutStream = { kind: 'out', write: () => {} };

function createMessage(sh: Shell, name: string, e: FsError, reading: boolean): string {
  const missing = e.code === 'ENOENT' || e.code === 'ENOTDIR';
  if (sh.flavor === 'bash') return `${name}: ${e.message}`;
  if (sh.flavor === 'dash') {
    if (reading) return `cannot open ${name}: ${missing ? 'No such file' : e.message}`;
    return `cannot create ${name}: ${missing ? 'Directory nonexistent' : e.message}`;
  }
  if (reading) return `can't open ${name}: ${missing ? 'no such file' : e.message}`;
  return `can't create ${name}: ${missing ? 'nonexistent directory' : e.message}`;
}

function openWrite(sh: Shell, name: string, append: boolean, fds: FdTable, opened: FileSink[]): OutStream {
  const path = abs(sh, name);
  switch (path) {
    case '/dev/null':
    case '/dev/zero':
    case '/dev/full':
    case '/dev/urandom':
    case '/dev/random':
      return NULL_SINK;
    case '/dev/stdout':
    case '/dev/fd/1':
    case '/dev/tty':
      return asOut(fds.get(1));
    case '/dev/stderr':
    case '/dev/fd/2':
      return asOut(fds.get(2));
  }
  try {
    const st = sh.fs.stat(path);
    if (append && st) {
      if (st.type === 'dir') throw new FsError('EISDIR', path);
      if (!canOpen(st, sh.base, 2)) throw new FsError('EACCES', path);
    } else sh.fs.writeFile(path, '');
  } catch (e) {
    if (e instanceof FsError) throw new RedirError(createMessage(sh, name, e, false));
    throw e;
  }
  const sink = new FileSink(sh.fs, path, sh.machine, sh.openFiles);
  opened.push(sink);
  return sink;
}

function asOut(s: Stream | undefined): OutStream {
  return s && s.kind === 'out' ? s : NULL_SINK;
}

/** Applies redirections to a copy of the shell's descriptor table. */
export function applyRedirs(sh: Shell, redirs: Redir[], opened: FileSink[]): FdTable {
  const fds: FdTable = new Map(sh.fds);
  for (const r of redirs) {
    const input = r.op === '<' || r.op === '<&' || r.op === '<>' || r.op === '<<' || r.op === '<<-';
    const fd = r.fd ?? (input ? 0 : 1);
    if (r.op === '<<' || r.op === '<<-') {
      const body = r.here ? expandString(r.here.body, sh) : '';
      fds.set(fd, inStream(body));
      continue;
    }
    const target = expandString(r.target, sh);
    switch (r.op) {
      case '<':
      case '<>': {
        try {
          fds.set(fd, inStream(readText(sh.view(), target)));
        } catch (e) {
          if (e instanceof FsError) throw new RedirError(createMessage(sh, target, e, true));
          throw e;
        }
        break;
      }
      case '>':
      case '>|':
        fds.set(fd, openWrite(sh, target, false, fds, opened));
        break;
      case '>>':
        fds.set(fd, openWrite(sh, target, true, fds, opened));
        break;
      case '&>':
      case '&>>': {
        const s = openWrite(sh, target, r.op === '&>>', fds, opened);
        fds.set(1, s);
        fds.set(2, s);
        break;
      }
      case '>&':
      case '<&': {
        if (target === '-') {
          fds.delete(fd);
          break;
        }
        if (!/^\d+$/.test(target)) {
          if (r.op === '<&') throw new RedirError(`${target}: Bad file descriptor`);
          // bash's `>&file` means `&>file`
          const s = openWrite(sh, target, false, fds, opened);
          fds.set(1, s);
          fds.set(2, s);
          break;
        }
        const src = fds.get(Number(target));
        if (!src) throw new RedirError(`${target}: Bad file descriptor`);
        fds.set(fd, src);
        break;
      }
    }
  }
  return fds;
}
