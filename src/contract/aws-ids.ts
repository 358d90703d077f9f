/** Identifier shapes shared by every input schema. */
export const IMAGE_ID_PATTERN = /^ami-[0-9a-f]{8,17}$/;
export const SNAPSHOT_ID_PATTERN = /^snap-[0-9a-f]{8,17}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** AWS region names: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-7, ... */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
