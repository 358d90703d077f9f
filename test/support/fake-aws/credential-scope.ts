/**
 * Who is calling, where, and which service, read from the SigV4 `Authorization` header's
 * credential scope: `Credential=AKID/DATE/REGION/SERVICE/aws4_request`. One server answers
 * every region and both services, so the scope is what tells them apart. Signatures are not
 * checked: the point is the SDK's real requests, not its cryptography.
 */
import { AwsApiError } from './api-error';

export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

export function readCredentialScope(authorization: string | undefined): CredentialScope {
  if (!authorization) {
    throw new AwsApiError('MissingAuthenticationToken', 'Request is missing Authentication Token (sign it with SigV4, as the AWS SDK does)');
  }
  const match = CREDENTIAL.exec(authorization);
  const [, accessKeyId, , region, service] = match ?? [];
  if (!accessKeyId || !region || !service) {
    throw new AwsApiError('IncompleteSignature', `Authorization header has no SigV4 credential scope: ${authorization.slice(0, 120)}`);
  }
  return { accessKeyId, region, service };
}
