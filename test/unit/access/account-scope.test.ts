/**
 * The one allow-list of accounts ami-tagger may act in: its syntax, the rule that central mode
 * needs it (and only central mode may have it), and what it lets in.
 */
import {
  accountAllowed,
  accountRefused,
  describeAccountScope,
  formatAccountScope,
  memberExternalId,
  OWN_ACCOUNT_ONLY,
  parseAccountScope,
  resolveAccountScope,
} from '../../../src/account-scope';
import { inputError as inputErrorOf } from '../../support/input-error';

const OWN = '111122223333';
const MEMBER = '444455556666';
const OTHER = '777788889999';
const NAMES = { accounts: '--accounts', roleName: '--role-name' };

describe('parseAccountScope', () => {
  it('reads nothing as "only its own account", a list as those accounts, o-... as the organization', () => {
    expect(parseAccountScope('', 'x')).toEqual(OWN_ACCOUNT_ONLY);
    expect(parseAccountScope(undefined, 'x')).toEqual(OWN_ACCOUNT_ONLY);
    expect(parseAccountScope(' , ', 'x')).toEqual(OWN_ACCOUNT_ONLY);
    expect(parseAccountScope(` ${OTHER}, ${MEMBER},${MEMBER} `, 'x')).toEqual({ kind: 'accounts', accounts: [MEMBER, OTHER] });
    expect(parseAccountScope('o-a1b2c3d4e5', 'x')).toEqual({ kind: 'organization', organizationId: 'o-a1b2c3d4e5' });
  });

  it('refuses what is neither, naming the item and the syntax', () => {
    for (const [text, says] of [
      ['4444-5555-6666', '"4444-5555-6666" is not an account id'],
      ['44445555666', '"44445555666" is not an account id'],
      [`${MEMBER},arn:aws:iam::${OTHER}:root`, `"arn:aws:iam::${OTHER}:root" is not an account id`],
      ['o-short', '"o-short" is not an organization id'],
      [`o-a1b2c3d4e5,${MEMBER}`, 'an organization id stands alone'],
      ['*', '"*" is not an account id'],
    ]) {
      const error = inputErrorOf(() => parseAccountScope(text, '--accounts'));
      expect(error.message).toContain(says);
      expect(error.where).toBe('--accounts');
      expect(error.hint).toMatch(/12-digit account ids|organization/);
    }
  });

  it('writes back what it reads', () => {
    for (const text of ['', `${MEMBER},${OTHER}`, 'o-a1b2c3d4e5']) expect(formatAccountScope(parseAccountScope(text, 'x'))).toBe(text);
  });
});

describe('resolveAccountScope', () => {
  it('central mode needs the list, and the list needs central mode', () => {
    expect(resolveAccountScope('', undefined, NAMES)).toEqual(OWN_ACCOUNT_ONLY);
    expect(resolveAccountScope(MEMBER, 'ami-tagger-member', NAMES)).toEqual({ kind: 'accounts', accounts: [MEMBER] });
    const noList = inputErrorOf(() => resolveAccountScope('', 'ami-tagger-member', NAMES));
    expect(noList.message).toBe('--role-name is set, but --accounts is empty: central mode needs the accounts ami-tagger may act in');
    const noRole = inputErrorOf(() => resolveAccountScope(MEMBER, '', NAMES));
    expect(noRole.message).toBe('--accounts is set, but --role-name is empty: ami-tagger reaches other accounts only by assuming that role');
  });
});

describe('accountAllowed', () => {
  const listed = parseAccountScope(MEMBER, 'x');
  const organization = parseAccountScope('o-a1b2c3d4e5', 'x');

  it('always allows its own account', () => {
    for (const scope of [OWN_ACCOUNT_ONLY, listed, organization]) expect(accountAllowed(scope, OWN, OWN)).toBe(true);
  });

  it('allows another account only when the list names it', () => {
    expect(accountAllowed(OWN_ACCOUNT_ONLY, MEMBER, OWN)).toBe(false);
    expect(accountAllowed(listed, MEMBER, OWN)).toBe(true);
    expect(accountAllowed(listed, OTHER, OWN)).toBe(false);
    expect(accountAllowed(listed, OTHER)).toBe(false);
  });

  it('leaves an organization to IAM (aws:ResourceOrgID), but only for well-formed account ids', () => {
    expect(accountAllowed(organization, OTHER, OWN)).toBe(true);
    expect(accountAllowed(organization, '*', OWN)).toBe(false);
    expect(accountAllowed(organization, `${OTHER}:role/x`, OWN)).toBe(false);
  });

  it('says what it allows when it refuses', () => {
    expect(describeAccountScope(OWN_ACCOUNT_ONLY)).toBe('only its own account');
    const error = accountRefused(listed, OTHER, { accounts: 'AMI_TAGGER_ACCOUNTS', source: 'the payload\'s "account"' });
    expect(error.message).toBe(`the payload's "account" names account ${OTHER}, which ami-tagger may not act in: it may act in its own account and account ${MEMBER}`);
    expect(error.hint).toContain('AMI_TAGGER_ACCOUNTS');
  });
});

describe('memberExternalId', () => {
  it('gives each member account its own external id from one base, and none without a base', () => {
    expect(memberExternalId('ami-tagger-prod', MEMBER)).toBe(`ami-tagger-prod:${MEMBER}`);
    expect(memberExternalId('ami-tagger-prod', OTHER)).not.toBe(memberExternalId('ami-tagger-prod', MEMBER));
    expect(memberExternalId('', MEMBER)).toBeUndefined();
    expect(memberExternalId(undefined, MEMBER)).toBeUndefined();
  });
});
