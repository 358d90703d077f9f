import { readFileSync } from 'node:fs';
import { InputError } from '../errors';
import { parseRules, type Rules } from './rules';

/**
 * The Lambda reads the rules as JSON, converted and validated from YAML at package time,
 * so the function carries no YAML parser. It validates again: the file may be replaced.
 */
export function loadCompiledRules(path: string): Rules {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read compiled rules: ${(error as Error).message}`, { where: path, hint: 'package the function with `sls package`, which writes this file from the YAML rules' });
  }
  return parseRules(document, path);
}
