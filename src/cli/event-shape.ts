import { InputError } from '../errors';
import { isRecord, ownValue } from '../spel/json';
import { INPUT_FILES } from './read-json';

/** The keys every EventBridge event has; an object with none of them is some other file. */
const ENVELOPE_KEYS = ['source', 'detail-type', 'detail'] as const;

/** What a JSON value that is not an event most likely is, to say so (and which command takes it). */
function lookalike(value: unknown): string | undefined {
  if (Array.isArray(value)) return 'a list (of stages?), not one event';
  if (!isRecord(value)) return `${value === null ? 'null' : typeof value}, not an object`;
  if (Array.isArray(ownValue(value, 'images'))) return 'a direct-path payload: pass it with --payload';
  if (Array.isArray(ownValue(value, 'stages'))) {
    const run = ownValue(value, 'status') !== undefined || ownValue(value, 'trigger') !== undefined;
    return run ? 'a Spinnaker execution: `ami-tagger preview --execution` reads those' : 'a Spinnaker pipeline: `ami-tagger lint` reads those';
  }
  return undefined;
}

/**
 * Before the schema names a field: is this an EventBridge event at all? A file of another kind
 * gets one line saying what was expected (and what the file looks like), not a list of every
 * field the schema misses.
 */
export function requireEventEnvelope(value: unknown, path: string): unknown {
  if (isRecord(value) && ENVELOPE_KEYS.some((key) => ownValue(value, key) !== undefined)) return value;
  const seen = lookalike(value);
  throw new InputError(`${path} is not an EventBridge event: expected an object with "source", "detail-type" and "detail"${seen !== undefined ? `; this looks like ${seen}` : ''}`, {
    where: '--event',
    hint: `pass ${INPUT_FILES.event}`,
  });
}
