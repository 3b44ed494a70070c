/**
 * The lexer of Go's text/template/parse, ported state by state so that trim markers,
 * comments and error positions behave exactly as in docker's --format parsing.
 */

/** Token kinds; the ones after `keyword` are keywords. */
export enum Item {
  error,
  bool,
  char,
  charConstant,
  complex,
  assign,
  declare,
  eof,
  field,
  identifier,
  leftDelim,
  leftParen,
  number,
  pipe,
  rawString,
  rightDelim,
  rightParen,
  space,
  string,
  text,
  variable,
  keyword,
  block,
  break,
  continue,
  dot,
  define,
  else,
  end,
  if,
  nil,
  range,
  template,
  with,
}

/** One lexed token: kind, offset in the input (UTF-16 units), text and starting line. */
export interface Token {
  typ: Item;
  pos: number;
  val: string;
  line: number;
}

const keywords: Record<string, Item> = {
  '.': Item.dot,
  block: Item.block,
  break: Item.break,
  continue: Item.continue,
  define: Item.define,
  else: Item.else,
  end: Item.end,
  if: Item.if,
  range: Item.range,
  nil: Item.nil,
  template: Item.template,
  with: Item.with,
};

const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const alnum = /^[_\p{L}\p{Nd}]$/u;
const isAlphaNumeric = (c: string | undefined) => c !== undefined && alnum.test(c);
const hasLeftTrim = (s: string) => s.length >= 2 && s[0] === '-' && isSpace(s[1]);
const hasRightTrim = (s: string) => s.length >= 2 && isSpace(s[0]) && s[1] === '-';
const trimRightLen = (s: string) => s.length - s.replace(/[ \t\r\n]+$/, '').length;
const trimLeftLen = (s: string) => s.length - s.replace(/^[ \t\r\n]+/, '').length;

/** Go's %#U rendering of a character, used in lexer error messages. */
function sharpU(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

/** Splits a template into tokens; an error token ends the stream as in Go. */
export function lex(input: string, breakOK = true, continueOK = true): Token[] {
  const items: Token[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const lineAt = (p: number) => {
    let n = 1;
    for (let i = input.indexOf('\n'); i >= 0 && i < p; i = input.indexOf('\n', i + 1)) n++;
    return n;
  };
  const emit = (typ: Item) => {
    items.push({ typ, pos: start, val: input.slice(start, pos), line: lineAt(start) });
    start = pos;
  };
  const error = (msg: string) => {
    items.push({ typ: Item.error, pos: start, val: msg, line: lineAt(start) });
  };
  const next = (): string | undefined => {
    if (pos >= input.length) {
      pos = input.length + 1; // past the end, so backup() after EOF is a no-op like Go's atEOF
      return undefined;
    }
    const cp = input.codePointAt(pos)!;
    const c = String.fromCodePoint(cp);
    pos += c.length;
    return c;
  };
  const backup = () => {
    if (pos > input.length) {
      pos = input.length;
      return;
    }
    if (pos > 0) pos -= pos >= 2 && /[\udc00-\udfff]/.test(input[pos - 1]) && /[\ud800-\udbff]/.test(input[pos - 2]) ? 2 : 1;
  };
  const peek = () => {
    const c = next();
    if (c === undefined) pos = Math.min(pos, input.length);
    else backup();
    return c;
  };
  const accept = (valid: string) => {
    const c = next();
    if (c !== undefined && valid.includes(c)) return true;
    if (c === undefined) pos = input.length;
    else backup();
    return false;
  };
  const acceptRun = (valid: string) => {
    while (accept(valid));
  };
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrim(input.slice(pos)) && input.startsWith(RIGHT, pos + 2)) return [true, true];
    return [input.startsWith(RIGHT, pos), false];
  };
  const atTerminator = () => {
    const c = peek();
    if (c === undefined || isSpace(c) || '.,|:)('.includes(c)) return true;
    return input.startsWith(RIGHT, pos);
  };
  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  // Each branch mirrors one stateFn of Go's lexer; returning false stops lexing.
  const insideAction = (): boolean => {
    for (;;) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) return error('unclosed left paren'), false;
        if (trim) {
          pos += 2;
          start = pos;
        }
        pos += RIGHT.length;
        emit(Item.rightDelim);
        if (trim) {
          pos += trimLeftLen(input.slice(pos));
          start = pos;
        }
        return true;
      }
      const c = next();
      if (c === undefined) return error('unclosed action'), false;
      if (isSpace(c)) {
        backup();
        let n = 0;
        while (isSpace(peek())) {
          next();
          n++;
        }
        if (hasRightTrim(input.slice(pos - 1)) && input.startsWith(RIGHT, pos + 1)) {
          backup();
          if (n === 1) continue; // the space belongs to " -}}"
        }
        emit(Item.space);
      } else if (c === '=') emit(Item.assign);
      else if (c === ':') {
        if (next() !== '=') return error('expected :='), false;
        emit(Item.declare);
      } else if (c === '|') emit(Item.pipe);
      else if (c === '"' || c === "'") {
        for (;;) {
          const d = next();
          if (d === '\\') {
            const e = next();
            if (e !== undefined && e !== '\n') continue;
          }
          if (d === undefined || d === '\n' || d === '\\') {
            return error(c === '"' ? 'unterminated quoted string' : 'unterminated character constant'), false;
          }
          if (d === c) break;
        }
        emit(c === '"' ? Item.string : Item.charConstant);
      } else if (c === '`') {
        const end = input.indexOf('`', pos);
        if (end < 0) return error('unterminated raw quoted string'), false;
        pos = end + 1;
        emit(Item.rawString);
      } else if (c === '$' || (c === '.' && pos < input.length && !(input[pos] >= '0' && input[pos] <= '9'))) {
        const typ = c === '$' ? Item.variable : Item.field;
        if (atTerminator()) {
          emit(typ === Item.variable ? Item.variable : Item.dot);
          continue;
        }
        let d: string | undefined;
        for (d = next(); isAlphaNumeric(d); d = next());
        if (d === undefined) pos = input.length;
        else backup();
        if (!atTerminator()) return error(`bad character ${sharpU(d ?? '')}`), false;
        emit(typ);
      } else if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        backup();
        if (!scanNumber()) return error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`), false;
        const sign = peek();
        if (sign === '+' || sign === '-') {
          if (!scanNumber() || input[pos - 1] !== 'i') {
            return error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`), false;
          }
          emit(Item.complex);
        } else emit(Item.number);
      } else if (isAlphaNumeric(c)) {
        let d: string | undefined;
        for (d = next(); isAlphaNumeric(d); d = next());
        if (d === undefined) pos = input.length;
        else backup();
        const word = input.slice(start, pos);
        if (!atTerminator()) return error(`bad character ${sharpU(d ?? '')}`), false;
        const kw = keywords[word];
        if (kw !== undefined && kw > Item.keyword) {
          emit((kw === Item.break && !breakOK) || (kw === Item.continue && !continueOK) ? Item.identifier : kw);
        } else if (word === 'true' || word === 'false') emit(Item.bool);
        else emit(Item.identifier);
      } else if (c === '(') {
        emit(Item.leftParen);
        parenDepth++;
      } else if (c === ')') {
        emit(Item.rightParen);
        parenDepth--;
        if (parenDepth < 0) return error(`unexpected right paren ${sharpU(c)}`), false;
      } else if (c.codePointAt(0)! <= 0x7f && c >= ' ' && c !== '\x7f') emit(Item.char);
      else return error(`unrecognized character in action: ${sharpU(c)}`), false;
    }
  };

  for (;;) {
    const x = input.indexOf(LEFT, pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit(Item.text);
      emit(Item.eof);
      return items;
    }
    pos = x;
    const trimLength = hasLeftTrim(input.slice(pos + LEFT.length)) ? trimRightLen(input.slice(start, pos)) : 0;
    pos -= trimLength;
    if (pos > start) emit(Item.text);
    pos += trimLength;
    start = pos;
    // Left delimiter, possibly opening a comment.
    pos += LEFT.length;
    const afterMarker = hasLeftTrim(input.slice(pos)) ? 2 : 0;
    if (input.startsWith('/*', pos + afterMarker)) {
      pos += afterMarker;
      start = pos;
      const end = input.indexOf('*/', pos + 2);
      if (end < 0) return error('unclosed comment'), items;
      pos = end + 2;
      const [delim, trim] = atRightDelim();
      if (!delim) return error('comment ends before closing delimiter'), items;
      if (trim) pos += 2;
      pos += RIGHT.length;
      if (trim) pos += trimLeftLen(input.slice(pos));
      start = pos;
      continue;
    }
    emit(Item.leftDelim);
    pos += afterMarker;
    start = pos;
    parenDepth = 0;
    if (!insideAction()) return items;
  }
}
