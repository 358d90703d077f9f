/**
 * Read from the source: every AWS SDK client the shipped code makes has the timeouts, attempts
 * and retry mode of clientDefaults() (src/aws/clients.ts), and the scan that the packaging test
 * compares with the stack's IAM sees every command the code sends.
 */
import { scanCode } from '../../package/code-actions';

describe('the AWS calls in src/ and handlers/', () => {
  const scan = scanCode();

  it('are all mapped to IAM actions, and those the functions can send are found through their imports', () => {
    expect(scan.unknown).toEqual([]);
    const inFunctions = new Set(scan.commands.filter((command) => command.inFunctions).map((command) => command.action));
    for (const action of ['ec2:CreateTags', 'ec2:DescribeImages', 'ec2:DescribeSnapshots', 'ssm:GetParameter', 'sts:AssumeRole']) expect(inFunctions).toContain(action);
  });

  it('go through clients made with clientDefaults(), so none can wait forever', () => {
    expect(scan.clients.length).toBeGreaterThanOrEqual(4);
    expect(scan.clients.filter((client) => !/\.\.\.clientDefaults\(/.test(client.options)).map((client) => `${client.where}: new ${client.client}(${client.options})`)).toEqual([]);
  });
});
