import * as v from 'valibot';
import { didYouMean, editDistance } from '../../../src/validation/did-you-mean';
import { expectedKeys, parseOrThrow } from '../../../src/validation/parse';
import { show } from '../../../src/validation/show';
import { inputError } from '../../support/input-error';

describe('didYouMean', () => {
  it('counts a swap of neighbours as one edit (Damerau), ignoring case', () => {
    expect(editDistance('overwirte', 'overwrite')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(didYouMean('overwirte', ['tags', 'overwrite', 'dryRun'])).toBe('overwrite');
    expect(didYouMean('dryrun', ['dryRun', 'tags'])).toBe('dryRun');
    expect(didYouMean('creator.princpal', ['creator.principal', 'creator.type'])).toBe('creator.principal');
  });

  it('suggests nothing that is far off, and nothing for very long inputs', () => {
    expect(didYouMean('zzz', ['tags', 'nameMatch'])).toBeUndefined();
    expect(didYouMean('x', ['tags'])).toBeUndefined();
    expect(didYouMean('t'.repeat(1000), ['tags'])).toBeUndefined();
    expect(didYouMean('', ['tags'])).toBeUndefined();
  });

  it('picks the closest, the first of equals', () => {
    expect(didYouMean('tag', ['tags', 'tab'])).toBe('tags');
    expect(didYouMean('snapshot', ['snapshots', 'snapshotIds'])).toBe('snapshots');
  });
});

describe('show', () => {
  it('quotes, makes invisible characters visible and cuts long text with its length', () => {
    expect(show('Team')).toBe('"Team"');
    expect(show('a\u200bb\u0000\n')).toBe('"a\\u200bb\\u0000\\n"');
    const shown = show('x'.repeat(5_000_000));
    expect(shown).toBe(`"${'x'.repeat(80)}…" (5000000 characters)`);
    expect(show('😀'.repeat(100))).toBe(`"${'😀'.repeat(80)}…" (100 characters)`);
  });
});

// A schema shaped like the direct-path payload, strict as a teammate will make it.
const Payload = v.strictObject({
  application: v.optional(v.nullable(v.string())),
  dryRun: v.optional(v.boolean()),
  images: v.pipe(v.array(v.strictObject({ imageId: v.string(), region: v.string() })), v.minLength(1)),
  settings: v.optional(v.union([v.strictObject({ mode: v.string() }), v.boolean()])),
});

describe('parseOrThrow', () => {
  it('reads the expected keys off any strict object schema, through pipes, arrays, unions and optionals', () => {
    expect(expectedKeys(Payload, [])).toEqual(['application', 'dryRun', 'images', 'settings']);
    expect(expectedKeys(Payload, ['images', 0])).toEqual(['imageId', 'region']);
    expect(expectedKeys(Payload, ['settings'])).toEqual(['mode']);
    expect(expectedKeys(Payload, ['nowhere'])).toEqual([]);
  });

  it('turns an unknown key of any strict object into "did you mean", naming the field', () => {
    const top = inputError(() => parseOrThrow(Payload, { dryrun: true, images: [{ imageId: 'ami-1', region: 'r' }] }, 'Spinnaker payload', 'see the docs'));
    expect(top.message).toBe('invalid Spinnaker payload: unknown key "dryrun"; did you mean "dryRun"?');
    expect(top.where).toBe('Spinnaker payload: dryrun');
    expect(top.hint).toBe('see the docs');
    const nested = inputError(() => parseOrThrow(Payload, { images: [{ imageId: 'ami-1', region: 'r', regoin: 'x' }] }, 'payload', 'h'));
    expect(nested.message).toBe('invalid payload: images[0]: unknown key "regoin"; did you mean "region"?');
    expect(nested.where).toBe('payload: images[0].regoin');
    const option = inputError(() => parseOrThrow(Payload, { images: [{ imageId: 'ami-1', region: 'r' }], aplication: 'x' }, 'rules file r.yml', 'h', { where: 'r.yml', keyNoun: 'option' }));
    expect(option.message).toContain('unknown option "aplication"; did you mean "application"?');
  });

  it('says one line: the first problem and how many more', () => {
    const Many = v.object(Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`k${index}`, v.string()])));
    const error = inputError(() => parseOrThrow(Many, {}, 'document', 'h'));
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^invalid document: k0: [^\n]+ \(and 29 more problems\)$/);
    expect(error.where).toBe('document: k0');
  });

  it('never echoes a huge input, value or key', () => {
    const huge = 'x'.repeat(5_000_000);
    const Choice = v.object({ mode: v.picklist(['a', 'b']) });
    const value = inputError(() => parseOrThrow(Choice, { mode: huge }, 'document', 'h'));
    expect(value.message.length).toBeLessThan(400);
    expect(value.where).toBe('document: mode');
    const key = inputError(() => parseOrThrow(v.strictObject({ mode: v.string() }), { mode: 'a', [huge]: 1 }, 'document', 'h'));
    expect(key.message.length).toBeLessThan(400);
    expect(key.where?.length).toBeLessThan(100);
  });
});
