import fc from 'fast-check';
import { parseAppVersion } from '../../../src/rules/appversion';

describe('parseAppVersion (Frigga format)', () => {
  it.each([
    ['orders-api-1.4.2-h117.3f9c2d1/orders-api-build/117', { package: 'orders-api', version: '1.4.2', buildNumber: '117', commit: '3f9c2d1', buildJob: 'orders-api-build' }],
    ['orders-api-1.4.2-h117.3f9c2d1', { package: 'orders-api', version: '1.4.2', buildNumber: '117', commit: '3f9c2d1' }],
    ['kato-2.0-h12', { package: 'kato', version: '2.0', buildNumber: '12' }],
    ['app-2fa-1.0~rc1-h5.abc/job/5', { package: 'app-2fa', version: '1.0~rc1', buildNumber: '5', commit: 'abc', buildJob: 'job' }],
    ['orders-api-1.4.2-3f9c2d1.h117', { package: 'orders-api', version: '1.4.2', buildNumber: '117', commit: '3f9c2d1' }],
  ])('%s', (text, expected) => {
    expect(parseAppVersion(text)).toEqual(expected);
  });

  it.each(['orders-api', 'orders-api-1.4.2', 'orders-api-1.4.2-x86_64-20261120', '', 'h117.3f9c2d1'])('"%s" is not an appversion: nothing guessed', (text) => {
    expect(parseAppVersion(text)).toBeUndefined();
  });

  it('round-trips any package, version, build and commit', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^[0-9][0-9A-Za-z.~]{0,8}$/), fc.nat(99999), fc.stringMatching(/^[0-9a-f]{7}$/), (parts, version, build, commit) => {
        const packageName = parts.join('-');
        expect(parseAppVersion(`${packageName}-${version}-h${build}.${commit}/ci-job/${build}`)).toEqual({ package: packageName, version, buildNumber: String(build), commit, buildJob: 'ci-job' });
      }),
    );
  });

  it('a value longer than a tag can be is not an appversion, and a megabyte of text does not overflow the stack', () => {
    expect(parseAppVersion(`${'a'.repeat(300)}-1.0-h1.abc1234`)).toBeUndefined();
    expect(() => parseAppVersion('a'.repeat(5 * 1024 * 1024))).not.toThrow();
  });
});
