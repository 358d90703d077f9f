import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventBridgeEvent, type ParsedEvent } from '../../../src/events/eventbridge';
import type { ImageRef } from '../../../src/model/image-ref';
import { ACCOUNT, bakeRoleIdentity, cloudTrailEvent, stateChangeEvent, userIdentity } from '../../support/events';
import { inputError } from '../../support/input-error';

function imageRef(parsed: ParsedEvent): ImageRef {
  if (parsed.kind !== 'image') throw new Error(`expected an image, got: ${parsed.reason}`);
  return parsed.ref;
}

describe('CloudTrail CreateImage', () => {
  it('gives the image, region, account, time and name', () => {
    const ref = imageRef(parseEventBridgeEvent(cloudTrailEvent({ eventName: 'CreateImage', imageId: 'ami-0123456789abcdef0', region: 'ap-south-2' })));
    expect(ref).toMatchObject({
      account: ACCOUNT,
      region: 'ap-south-2',
      imageId: 'ami-0123456789abcdef0',
      trigger: 'CreateImage',
      eventTime: '2026-10-02T08:15:00Z',
      name: 'billing-svc-3.2.0-h42.a1b2c3d-x86_64-20261002-noble',
    });
  });

  it('names the role alone when the session is an instance id (Packer on an instance profile)', () => {
    const ref = imageRef(parseEventBridgeEvent(cloudTrailEvent({ eventName: 'CreateImage', userIdentity: bakeRoleIdentity() })));
    expect(ref.creator).toMatchObject({ principal: 'bakery-instance', type: 'AssumedRole', role: 'bakery-instance', session: 'i-0a1b2c3d4e5f67890' });
  });

  it('names role and session for an assumed role with a named session', () => {
    const identity = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/jane.doe@example.com`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', userName: 'deployer', arn: `arn:aws:iam::${ACCOUNT}:role/deployer` } },
    };
    const ref = imageRef(parseEventBridgeEvent(cloudTrailEvent({ eventName: 'CreateImage', userIdentity: identity })));
    expect(ref.creator?.principal).toBe('deployer/jane.doe@example.com');
  });

  it('names the IAM user', () => {
    const ref = imageRef(parseEventBridgeEvent(cloudTrailEvent({ eventName: 'CreateImage', userIdentity: userIdentity('build-bot') })));
    expect(ref.creator).toMatchObject({ principal: 'build-bot', type: 'IAMUser' });
  });

  it('reads tags set at creation from tagSpecificationSet', () => {
    const event = cloudTrailEvent({
      eventName: 'CreateImage',
      requestParameters: {
        instanceId: 'i-0fedcba987654321f',
        name: 'x',
        tagSpecificationSet: {
          items: [
            { resourceType: 'image', tags: [{ key: 'Team', value: 'payments' }] },
            { resourceType: 'snapshot', tags: [{ key: 'Backup', value: 'weekly' }] },
          ],
        },
      },
    });
    expect(imageRef(parseEventBridgeEvent(event)).creationTags).toEqual({ image: [{ key: 'Team', value: 'payments' }], snapshot: [{ key: 'Backup', value: 'weekly' }] });
  });

  it('ignores failed and dry-run calls, saying why', () => {
    const parsed = parseEventBridgeEvent(cloudTrailEvent({ eventName: 'CreateImage', errorCode: 'Client.DryRunOperation' }));
    expect(parsed.kind).toBe('ignored');
    expect(parsed.kind === 'ignored' && parsed.reason).toContain('Client.DryRunOperation');
  });
});

describe('CloudTrail CopyImage and RegisterImage', () => {
  it('CopyImage gives the source region and image, in the destination region', () => {
    const event = cloudTrailEvent({
      eventName: 'CopyImage',
      region: 'eu-central-1',
      imageId: 'ami-0bbbbbbbbbbbbbbb2',
      requestParameters: { sourceRegion: 'us-west-2', sourceImageId: 'ami-0aaaaaaaaaaaaaaa1', name: 'copy-of-it', copyImageTags: false },
    });
    const ref = imageRef(parseEventBridgeEvent(event));
    expect(ref).toMatchObject({ region: 'eu-central-1', imageId: 'ami-0bbbbbbbbbbbbbbb2', trigger: 'CopyImage', copiedFrom: { region: 'us-west-2', imageId: 'ami-0aaaaaaaaaaaaaaa1' } });
  });

  it('CopyImage without a source image is malformed, naming the field', () => {
    const event = cloudTrailEvent({ eventName: 'CopyImage', requestParameters: { sourceRegion: 'us-west-2', name: 'copy' } });
    expect(inputError(() => parseEventBridgeEvent(event)).message).toContain('sourceImageId');
  });

  it('RegisterImage gives the snapshots of its block device mapping', () => {
    const event = cloudTrailEvent({
      eventName: 'RegisterImage',
      requestParameters: {
        name: 'hand-made',
        blockDeviceMapping: { items: [{ deviceName: '/dev/xvda', ebs: { snapshotId: 'snap-0123456789abcdef0' } }, { deviceName: '/dev/sdb', virtualName: 'ephemeral0' }] },
      },
    });
    expect(imageRef(parseEventBridgeEvent(event)).snapshotIds).toEqual(['snap-0123456789abcdef0']);
  });
});

describe('EC2 AMI State Change', () => {
  it('available gives the image, without a creator', () => {
    const ref = imageRef(parseEventBridgeEvent(stateChangeEvent({ imageId: 'ami-0ccccccccccccccc3', region: 'sa-east-1' })));
    expect(ref).toEqual({ account: ACCOUNT, region: 'sa-east-1', imageId: 'ami-0ccccccccccccccc3', trigger: 'ImageAvailable', eventTime: '2026-10-02T08:21:00Z' });
  });

  it.each(['failed', 'deregistered', 'disabled', 'pending'])('%s is ignored with the reason', (state) => {
    const parsed = parseEventBridgeEvent(stateChangeEvent({ state, errorMessage: state === 'failed' ? 'Snapshot creation failed' : '' }));
    expect(parsed).toMatchObject({ kind: 'ignored', state });
    if (state === 'failed') expect(parsed.kind === 'ignored' && parsed.reason).toContain('Snapshot creation failed');
  });
});

describe('malformed events', () => {
  it.each([
    ['no detail-type', (event: Record<string, unknown>) => delete event['detail-type'], 'detail-type'],
    ['a bad account', (event: Record<string, unknown>) => (event.account = '123'), 'account'],
    ['an unknown region shape', (event: Record<string, unknown>) => (event.region = 'mars-1'), 'region'],
    ['a bad image id', (event: Record<string, unknown>) => ((event.detail as Record<string, unknown>).ImageId = 'image-1'), 'ImageId'],
  ])('%s: an InputError naming the field', (_name, spoil, field) => {
    const event = stateChangeEvent();
    spoil(event);
    const error = inputError(() => parseEventBridgeEvent(event));
    expect(error.message).toContain(field);
    expect(error.hint).toBeTruthy();
  });

  it('a successful call without responseElements.imageId', () => {
    const event = cloudTrailEvent({ eventName: 'CreateImage' });
    (event.detail as Record<string, unknown>).responseElements = { requestId: 'x' };
    expect(inputError(() => parseEventBridgeEvent(event)).message).toContain('imageId');
  });

  it('an event of another API call or source', () => {
    expect(inputError(() => parseEventBridgeEvent(cloudTrailEvent({ eventName: 'RunInstances' }))).where).toBe('detail.eventName');
    expect(inputError(() => parseEventBridgeEvent({ ...stateChangeEvent(), source: 'aws.s3' })).where).toBe('source');
    expect(inputError(() => parseEventBridgeEvent('not an event')).message).toContain('invalid EventBridge event');
  });
});

describe('the events AWS delivers (test/fixtures/events)', () => {
  const samples = join(__dirname, '../../fixtures/events');
  const read = (name: string): unknown => JSON.parse(readFileSync(join(samples, name), 'utf8'));

  it('parses each sample to what it announces', () => {
    expect(imageRef(parseEventBridgeEvent(read('cloudtrail-create-image.json'))).creator?.principal).toBe('SpinnakerBakeRole');
    expect(imageRef(parseEventBridgeEvent(read('cloudtrail-copy-image.json'))).copiedFrom).toEqual({ region: 'us-east-1', imageId: 'ami-0123456789abcdef0' });
    expect(imageRef(parseEventBridgeEvent(read('cloudtrail-register-image.json'))).snapshotIds).toEqual(['snap-0a1b2c3d4e5f60718']);
    expect(imageRef(parseEventBridgeEvent(read('ami-state-available.json'))).trigger).toBe('ImageAvailable');
    expect(parseEventBridgeEvent(read('cloudtrail-create-image-dry-run.json')).kind).toBe('ignored');
    expect(parseEventBridgeEvent(read('ami-state-failed.json')).kind).toBe('ignored');
  });
});
