import { readFileSync } from 'node:fs';
import { InputError } from '../errors';

/** Reads a JSON file given on the command line ("-" for standard input), with a clear error. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { where: path, hint: `pass the path of an existing ${what} file` });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${(error as Error).message}`, { where: path, hint: 'check the file is complete JSON (an EventBridge event as delivered, or as `aws events` shows it)' });
  }
}
