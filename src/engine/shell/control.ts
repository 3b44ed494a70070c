/**
 * Control flow that crosses command boundaries (`exit`, `return`, `break`,
 * `continue`, `set -e`) travels as exceptions, the way ash longjmps.
 */
/** Ends the shell process with a status. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super('exit');
  }
}
/** Returns from a function or a sourced script. */
export class ReturnError extends Error {
  constructor(readonly code: number) {
    super('return');
  }
}
/** `break N` / `continue N`: unwinds N loops. */
export class LoopControl extends Error {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {
    super(kind);
  }
}
