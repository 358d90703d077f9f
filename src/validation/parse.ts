import * as v from 'valibot';
import { InputError } from '../errors';

/** A JSON-path-like name for where a validation issue sits: `detail.responseElements.imageId`, `images[2].region`. */
export function issuePath(issue: v.BaseIssue<unknown>): string {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    path += typeof key === 'number' ? `[${key}]` : path === '' ? String(key) : `.${String(key)}`;
  }
  return path === '' ? '(top level)' : path;
}

/**
 * Validates `input` against `schema` and returns the typed value, or throws an InputError that
 * names the first field that is wrong, the document it is in, and what to do.
 */
export function parseOrThrow<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  what: string,
  hint: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issues = result.issues.slice(0, 5).map((issue) => `${issuePath(issue)}: ${issue.message}`);
  const more = result.issues.length > 5 ? ` (and ${result.issues.length - 5} more)` : '';
  throw new InputError(`invalid ${what}: ${issues.join('; ')}${more}`, { where: what, hint });
}
