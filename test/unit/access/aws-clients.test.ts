/**
 * AwsClients asks the allow-list before it assumes a role: an account outside it is bad input,
 * and no AWS call is made for it. Inside it, the member role is assumed with that account's own
 * external id. Against the local EC2/STS stand-in, with the real SDK.
 */
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { parseAccountScope } from '../../../src/account-scope';
import { AwsClients } from '../../../src/aws/clients';
import { InputError } from '../../../src/errors';
import { engineFromEnv } from '../../../src/runtime';
import { compiledRules, useFakeAwsEnvironment } from '../../support/engine-env';
import { DEFAULT_ACCOUNT, startFakeAws, type FakeAws } from '../../support/fake-aws';

const MEMBER = '444455556666';
const OUTSIDER = '777788889999';
const ROLE = 'ami-tagger-member';
const REGION = 'eu-west-1';

let fake: FakeAws;
let restore: () => void;
beforeAll(async () => {
  fake = await startFakeAws();
  restore = useFakeAwsEnvironment(fake, { AMI_TAGGER_RULES_FILE: compiledRules() });
});
afterAll(async () => {
  restore();
  await fake.close();
});
beforeEach(() => fake.reset());

const central = (accounts: string, extra: { ownAccount?: string } = { ownAccount: DEFAULT_ACCOUNT }) =>
  new AwsClients({ roleName: ROLE, externalId: 'prod-tagger', accounts: parseAccountScope(accounts, 'AMI_TAGGER_ACCOUNTS'), accountsSetting: 'AMI_TAGGER_ACCOUNTS', ...extra });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('AwsClients and the allow-list', () => {
  it('refuses an account outside the list as bad input, before any AWS call', async () => {
    const error = await rejection(central(MEMBER).ec2(OUTSIDER, REGION));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`the image names account ${OUTSIDER}, which ami-tagger may not act in: it may act in its own account and account ${MEMBER}`);
    expect((error as InputError).hint).toContain('AMI_TAGGER_ACCOUNTS');
    expect(fake.calls).toEqual([]);
  });

  it('assumes the member role of a listed account, with that account\'s own external id', async () => {
    const image = fake.seedImage({ account: MEMBER, region: REGION });
    fake.requireExternalId(`arn:aws:iam::${MEMBER}:role/${ROLE}`, `prod-tagger:${MEMBER}`);
    const ec2 = await central(`${MEMBER},555566667777`).ec2(MEMBER, REGION);
    const response = await ec2.send(new DescribeImagesCommand({ ImageIds: [image.imageId] }));
    expect(response.Images?.map((found) => found.ImageId)).toEqual([image.imageId]);
    expect(fake.calls.map((call) => [call.action, call.account])).toEqual([
      ['AssumeRole', DEFAULT_ACCOUNT],
      ['DescribeImages', MEMBER],
    ]);
    expect(fake.calls[0]?.params).toMatchObject({ RoleArn: `arn:aws:iam::${MEMBER}:role/${ROLE}`, ExternalId: `prod-tagger:${MEMBER}` });
  });

  it('acts in its own account with its own credentials, whatever the list', async () => {
    const image = fake.seedImage({ region: REGION });
    const ec2 = await central(MEMBER).ec2(DEFAULT_ACCOUNT, REGION);
    await ec2.send(new DescribeImagesCommand({ ImageIds: [image.imageId] }));
    expect(fake.calls.map((call) => call.action)).toEqual(['DescribeImages']);
  });

  it('leaves an organization to IAM: any account may be tried, and STS decides', async () => {
    fake.seedImage({ account: OUTSIDER, region: REGION });
    const ec2 = await central('o-a1b2c3d4e5').ec2(OUTSIDER, REGION);
    await ec2.send(new DescribeImagesCommand({}));
    expect(fake.calls.map((call) => call.action)).toEqual(['AssumeRole', 'DescribeImages']);
  });

  it('without knowing its own account, asks STS who it is and nothing more before refusing', async () => {
    const error = await rejection(central(MEMBER, {}).ec2(OUTSIDER, REGION));
    expect(error).toBeInstanceOf(InputError);
    expect(fake.calls.map((call) => call.action)).toEqual(['GetCallerIdentity']);
  });

  it('a function whose environment names a role but no accounts refuses to start', () => {
    expect(() => engineFromEnv({ ...process.env, AMI_TAGGER_ROLE_NAME: ROLE, AMI_TAGGER_ACCOUNTS: '' }, DEFAULT_ACCOUNT)).toThrow(
      'AMI_TAGGER_ROLE_NAME is set, but AMI_TAGGER_ACCOUNTS is empty',
    );
  });
});
