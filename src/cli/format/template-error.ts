/** Errors of Go templates, worded as Go words them. */

/**
 * A template that failed to parse or execute. The message is Go's, e.g.
 * `template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"`;
 * `output` holds what Go had already written before it stopped.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    message: string,
    readonly phase: 'parse' | 'exec' = 'parse',
    readonly output = '',
  ) {
    super(message);
  }
}
