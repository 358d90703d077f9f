import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { InputError } from '../errors';
import { parseRules, type Rules } from './rules';

/** Reads, parses (YAML or JSON) and validates a rules file. Used by the CLI and at package time. */
export function loadRulesFile(path: string): Rules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read rules file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { where: path, hint: 'pass the path of an existing YAML rules file (see README, "Rules file")' });
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [first] = document.errors;
  if (first) {
    const line = first.linePos?.[0];
    throw new InputError(`rules file is not valid YAML: ${first.message.split('\n')[0]}`, { where: line ? `${path}:${line.line}:${line.col}` : path, hint: 'fix the YAML syntax at that position' });
  }
  return parseRules(document.toJS(), path);
}
