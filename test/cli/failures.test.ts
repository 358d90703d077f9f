import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { ExitCode } from '../../src/cli/exit-codes';
import { describeFailure } from '../../src/cli/run';
import { InputError } from '../../src/errors';

describe('what the CLI says when something fails', () => {
  it('bad input: exit 2, what, where and what to do', () => {
    expect(describeFailure(new InputError('invalid rules file', { where: 'r.yml: tags.A', hint: 'fix it' }))).toEqual({ code: ExitCode.BadInput, text: 'invalid rules file\n  where: r.yml: tags.A\n  fix:   fix it' });
  });

  it('an answer from AWS: exit 3 with its error code', () => {
    const refused = new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'You are not authorized' });
    expect(describeFailure(refused)).toMatchObject({ code: ExitCode.AwsFailure, text: expect.stringContaining('AWS refused the call: UnauthorizedOperation: You are not authorized') });
  });

  it('no credentials or no connection: exit 3, saying what to check', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 3 } });
    expect(describeFailure(refused)).toMatchObject({ code: ExitCode.AwsFailure, text: expect.stringContaining('could not call AWS: connect ECONNREFUSED') });
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(describeFailure(noCredentials).text).toContain('AWS_PROFILE');
  });

  it('a fault of ami-tagger itself: exit 4, no stack trace, how to get one', () => {
    const failure = describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(failure.code).toBe(ExitCode.Internal);
    expect(failure.text).toContain('AMI_TAGGER_DEBUG=1');
    expect(failure.text).not.toMatch(/\n\s+at /);
  });
});
