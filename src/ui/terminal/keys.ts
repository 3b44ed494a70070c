// Splits what xterm's onData delivers into keys and runs of printable text.

/** Named keys the line editor understands. */
export type KeyName =
  | 'enter' | 'tab' | 'backspace' | 'delete' | 'escape'
  | 'up' | 'down' | 'left' | 'right' | 'home' | 'end'
  | 'word-left' | 'word-right' | 'kill-word-back' | 'kill-word-forward'
  | 'ctrl-a' | 'ctrl-b' | 'ctrl-c' | 'ctrl-d' | 'ctrl-e' | 'ctrl-f' | 'ctrl-g' | 'ctrl-k'
  | 'ctrl-l' | 'ctrl-n' | 'ctrl-p' | 'ctrl-r' | 'ctrl-u' | 'ctrl-w' | 'ctrl-y'
  | 'ignored';

/** One unit of input: a key or printable text (one or more code points). */
export type InputToken = { kind: 'key'; name: KeyName } | { kind: 'text'; text: string };

const CONTROL: Record<string, KeyName> = {
  '\x01': 'ctrl-a', '\x02': 'ctrl-b', '\x03': 'ctrl-c', '\x04': 'ctrl-d', '\x05': 'ctrl-e',
  '\x06': 'ctrl-f', '\x07': 'ctrl-g', '\x08': 'backspace', '\x09': 'tab', '\x0b': 'ctrl-k',
  '\x0c': 'ctrl-l', '\x0e': 'ctrl-n', '\x10': 'ctrl-p', '\x12': 'ctrl-r', '\x15': 'ctrl-u',
  '\x17': 'ctrl-w', '\x19': 'ctrl-y', '\x7f': 'backspace',
};

const FINAL: Record<string, KeyName> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end',
};

const TILDE: Record<string, KeyName> = {
  '1': 'home', '7': 'home', '3': 'delete', '4': 'end', '8': 'end',
};

function csiKey(params: string, final: string): KeyName {
  if (final === '~') return TILDE[params.split(';')[0]] ?? 'ignored';
  const name = FINAL[final];
  if (!name) return 'ignored';
  // Modifier 3 (Alt) and 5 (Ctrl) on left/right jump by words, as in bash.
  const mod = params.split(';')[1];
  if (mod === '3' || mod === '5') {
    if (name === 'left') return 'word-left';
    if (name === 'right') return 'word-right';
  }
  return name;
}

/** Tokenizes terminal input; pasted line ends (\r, \n, \r\n) each become one Enter. */
export function parseInput(data: string): InputToken[] {
  const out: InputToken[] = [];
  const chars = Array.from(data);
  let text = '';
  const flush = () => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  const key = (name: KeyName) => {
    flush();
    if (name !== 'ignored') out.push({ kind: 'key', name });
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && chars[i + 1] === '\n') i++;
      key('enter');
      continue;
    }
    if (ch !== '\x1b') {
      const control = CONTROL[ch];
      if (control) key(control);
      else if (ch >= ' ' && !(ch >= '\x80' && ch < '\xa0')) text += ch;
      continue;
    }
    const next = chars[i + 1];
    if (next === undefined) {
      key('escape');
    } else if (next === '[') {
      let j = i + 2;
      let params = '';
      while (j < chars.length && /[0-?]/.test(chars[j])) params += chars[j++];
      const final = chars[j];
      if (final === undefined) {
        key('ignored');
        i = j - 1;
      } else {
        // Bracketed paste markers (200~/201~) carry no key.
        key(params === '200' || params === '201' ? 'ignored' : csiKey(params, final));
        i = j;
      }
    } else if (next === 'O') {
      const final = chars[i + 2];
      key(final === undefined ? 'ignored' : (FINAL[final] ?? 'ignored'));
      i += 2;
    } else if (next === 'b' || next === 'B') {
      key('word-left');
      i++;
    } else if (next === 'f' || next === 'F') {
      key('word-right');
      i++;
    } else if (next === 'd' || next === 'D') {
      key('kill-word-forward');
      i++;
    } else if (next === '\x7f' || next === '\x08') {
      key('kill-word-back');
      i++;
    } else if (next === '\x1b') {
      key('escape');
    } else {
      // Alt plus a key we do not bind: drop both, as bash does for unbound meta keys.
      key(next < ' ' ? 'escape' : 'ignored');
      if (next >= ' ') i++;
    }
  }
  flush();
  return out;
}
