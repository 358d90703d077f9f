import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors';

/** The files the commands read, each with what it should hold and where to get one. */
export const INPUT_FILES = {
  event: 'an EventBridge event for an AMI, as delivered (CloudTrail CreateImage/CopyImage/RegisterImage or "EC2 AMI State Change"), or a message of the failed-events queue',
  payload: 'a direct-path payload: {"application", "pipeline", "executionId", "user", "images": [{"imageId", "region"}]}, as the stages `ami-tagger spel --consumer ...` prints send it',
  pipeline: 'a Spinnaker pipeline\'s JSON ("Edit as JSON" in Deck, or `spin pipeline get`)',
  execution: 'the JSON of a pipeline run (in Deck, open the execution, "View as JSON"; or `spin pipeline execution get ID`)',
  stage: 'a stage JSON object, or the list of stages `ami-tagger spel` prints',
  rules: 'a rules file (YAML; see README, "The rules file")',
} as const;
export type InputFileKind = keyof typeof INPUT_FILES;

/** The UTF-8 byte order mark some Windows editors write first; JSON.parse refuses it. */
const BYTE_ORDER_MARK = '\uFEFF';

const READ_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function readFailure(path: string, kind: InputFileKind, flag: string | undefined, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code !== undefined ? READ_FAILURES[code] : undefined) ?? code ?? (error as Error).message;
  return new InputError(`cannot read ${path === '-' ? 'standard input' : path}: ${reason}`, {
    ...(flag !== undefined ? { where: flag } : {}),
    hint: `pass the path of ${INPUT_FILES[kind]}`,
  });
}

/** Throws "cannot read FILE: no such file" (or why else it cannot be read) unless `path` is a readable file. */
export function assertReadableFile(path: string, kind: InputFileKind, flag?: string): void {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw readFailure(path, kind, flag, error);
  }
}

/**
 * Reads a JSON file given on the command line ("-" for standard input). A missing file, bad
 * JSON or a byte order mark get an error that names the file and the kind of file expected.
 */
export function readJsonFile(path: string, kind: InputFileKind, flag?: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw readFailure(path, kind, flag, error);
  }
  if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(BYTE_ORDER_MARK.length);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`the ${kind} file is not valid JSON: ${(error as Error).message}`, {
      where: path === '-' ? 'standard input' : path,
      hint: `pass ${INPUT_FILES[kind]}, complete`,
    });
  }
}
