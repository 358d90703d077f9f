/**
 * Spinnaker's bakery tags each AMI with `appversion` in Netflix Frigga's format:
 *   PACKAGE-VERSION-hBUILD.COMMIT/JOB/BUILD   e.g. orders-api-1.4.2-h117.3f9c2d1/orders-api-build/117
 * (the `/JOB/BUILD` part optional) or the older PACKAGE-VERSION-COMMIT.hBUILD.
 * A value that matches neither is not an appversion: no field is guessed from it.
 */
export interface AppVersion {
  package: string;
  version: string;
  buildNumber?: string;
  commit?: string;
  buildJob?: string;
}

// As Frigga: the package may contain dashes (greedy), the version may not ([0-9A-Za-z.~]+),
// so the version is the last dash-separated part before the build marker.
const PACKAGE = '(?<package>[\\w.+-]+)';
const VERSION = '(?<version>[0-9A-Za-z.~]+)';
const JOB_AND_BUILD = '(?:/(?<buildJob>[^/\\s]+)/(?<jobBuild>\\d+))?';
const CURRENT = new RegExp(`^${PACKAGE}-${VERSION}-h(?<buildNumber>\\d+)(?:\\.(?<commit>[0-9A-Za-z]+))?${JOB_AND_BUILD}$`);
const LEGACY = new RegExp(`^${PACKAGE}-${VERSION}-(?<commit>[0-9A-Za-z]+)\\.h(?<buildNumber>\\d+)${JOB_AND_BUILD}$`);

/** appversion is a tag: EC2 keeps at most 256 characters in a value, so anything longer is not one. */
export const MAX_APPVERSION_LENGTH = 256;

export function parseAppVersion(value: string): AppVersion | undefined {
  // Also keeps a hostile megabyte of text away from the regular expressions (V8 backtracks on the stack).
  if (value.length > MAX_APPVERSION_LENGTH) return undefined;
  const match = CURRENT.exec(value) ?? LEGACY.exec(value);
  const groups = match?.groups;
  if (!groups?.package || !groups.version) return undefined;
  const parsed: AppVersion = { package: groups.package, version: groups.version };
  if (groups.buildNumber) parsed.buildNumber = groups.buildNumber;
  if (groups.commit) parsed.commit = groups.commit;
  if (groups.buildJob) parsed.buildJob = groups.buildJob;
  return parsed;
}
