import { parseSpinnakerPayload } from '../../src/events/spinnaker-payload';
import { isRecord } from '../../src/spel/json';
import { previewStages } from '../../src/spel/preview';
import { bakeExecution, imageIdFor } from './bake-execution';
import { generatedCases, sentPayload } from './generated-cases';

/**
 * Generated stages, previewed against executions whose deploymentDetails are not in region
 * order: every region gets its own image, and what the consumer sends is a payload the direct
 * path accepts, with the right image per region.
 */
describe.each(generatedCases())('$title', ({ regions, mode, consumer, stages }) => {
  const execution = bakeExecution({ regions, seed: regions.length });
  const result = previewStages(execution, stages);

  it('evaluates every expression to a value', () => {
    expect(result.rows.filter((row) => row.status !== 'ok')).toEqual([]);
    expect(result.rows.length).toBeGreaterThan(0);
  });

  it('gives each region the image baked there', () => {
    const variables = result.rows.filter((row) => row.variable !== undefined);
    if (mode === 'fields') {
      for (const region of regions) {
        const row = variables.find((candidate) => candidate.variable === `imageId_${region.replaceAll('-', '_')}`);
        expect(row?.value).toBe(imageIdFor(region));
      }
    } else if (mode === 'image') {
      for (const region of regions) {
        const row = variables.find((candidate) => candidate.variable === `image_${region.replaceAll('-', '_')}`);
        expect(isRecord(row?.value) ? [row.value.region, row.value.imageId] : row?.value).toEqual([region, imageIdFor(region)]);
      }
    } else {
      const value = variables[0]?.value;
      expect(Array.isArray(value) ? value.map((entry) => (isRecord(entry) ? `${String(entry.region)}=${String(entry.imageId)}` : '')).sort() : value).toEqual(
        regions.map((region) => `${region}=${imageIdFor(region)}`).sort(),
      );
    }
  });

  it(`sends a payload the direct path accepts (${consumer})`, () => {
    const evaluated = result.stages.find((stage) => stage.stage.refId === '3')?.evaluated;
    const payload = parseSpinnakerPayload(sentPayload(consumer, evaluated));
    expect(payload.images.map((image) => `${image.region}=${image.imageId}`).sort()).toEqual(regions.map((region) => `${region}=${imageIdFor(region)}`).sort());
    expect([payload.application, payload.pipeline, payload.executionId, payload.user]).toEqual(['orders', 'Build, bake and tag', '01TESTEXECUTION00000000042', 'bob@example.org']);
    for (const image of payload.images) expect(image.baseAmiId).toBe(`ami-0base${imageIdFor(image.region).slice(9)}`);
  });
});
