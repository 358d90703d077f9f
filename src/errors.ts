/**
 * Errors that a user can act on: bad input (an event, a rules file, a CLI flag, a pipeline).
 * They carry where the problem is and what to do, so that the CLI prints them without a stack
 * trace and the Lambda handlers log them once and never retry them.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Where the problem is: a file, a JSON path, a flag. */
  readonly where: string | undefined;
  /** What to do about it. */
  readonly hint: string | undefined;

  constructor(message: string, options: { where?: string; hint?: string } = {}) {
    super(message);
    this.where = options.where;
    this.hint = options.hint;
  }

  /** One readable block: what, where, what to do. */
  describe(): string {
    const lines = [this.message];
    if (this.where) lines.push(`  where: ${this.where}`);
    if (this.hint) lines.push(`  fix:   ${this.hint}`);
    return lines.join('\n');
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
