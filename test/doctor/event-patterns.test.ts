/**
 * The two EventBridge patterns have one definition (src/events/event-patterns.ts): the stack reads
 * it (serverless/event-patterns.cjs), the forwarding template spells it out and must stay equal,
 * and doctor's comparison takes a list in any order as the same pattern, as EventBridge does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { canonicalPattern, EVENT_RULES, IMAGE_AVAILABLE_PATTERN, IMAGE_CREATED_PATTERN, patternJson, samePattern } from '../../src/events/event-patterns';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the event patterns', () => {
  it('templates/forwarding-rule.yml forwards exactly the two patterns of the code', () => {
    const template = parse(readFileSync(path.join(ROOT, 'templates/forwarding-rule.yml'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: { EventPattern?: unknown } }> };
    const patterns = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Events::Rule')
      .map((resource) => canonicalPattern(resource.Properties.EventPattern));
    expect(patterns).toEqual([canonicalPattern(IMAGE_CREATED_PATTERN), canonicalPattern(IMAGE_AVAILABLE_PATTERN)]);
  });

  it('serverless.yml reads them from the code', () => {
    const stack = readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8');
    expect(stack).toContain('pattern: ${file(./serverless/event-patterns.cjs):imageCreated}');
    expect(stack).toContain('pattern: ${file(./serverless/event-patterns.cjs):imageAvailable}');
    expect(stack).toContain('${file(./serverless/version.cjs):outputs}');
    // What the resolver hands osls is a plain copy of the definition.
    expect(patternJson('image-created')).toEqual(IMAGE_CREATED_PATTERN);
    expect(patternJson('image-created')).not.toBe(IMAGE_CREATED_PATTERN);
  });

  it('a deployed pattern matches whatever its key and list order; another value, a missing key or bad JSON does not', () => {
    const reordered = JSON.stringify({ detail: { errorCode: [{ exists: false }], eventName: ['RegisterImage', 'CopyImage', 'CreateImage'], eventSource: ['ec2.amazonaws.com'] }, 'detail-type': ['AWS API Call via CloudTrail'], source: ['aws.ec2'] });
    expect(samePattern(reordered, 'image-created')).toBe(true);
    expect(samePattern(JSON.stringify(EVENT_RULES['image-available']), 'image-available')).toBe(true);
    expect(samePattern(JSON.stringify({ ...IMAGE_CREATED_PATTERN, detail: { ...IMAGE_CREATED_PATTERN.detail, eventName: ['CreateImage'] } }), 'image-created')).toBe(false);
    expect(samePattern(JSON.stringify({ source: ['aws.ec2'], 'detail-type': ['EC2 AMI State Change'] }), 'image-available')).toBe(false);
    expect(samePattern('{not json', 'image-available')).toBe(false);
    expect(samePattern(undefined, 'image-available')).toBe(false);
  });
});
