/**
 * CreateTags: one tag set onto up to 1000 images and snapshots of the caller's region, all or
 * nothing. Existing keys are overwritten, as EC2 does.
 */
import { refuseDryRun, type ActionContext } from './action-context';
import { AwsApiError, missingParameter } from './api-error';
import { indexedValues, readTags } from './query';
import { isWellFormedId, kindOfId } from './resource-ids';
import type { RegionView } from './state';
import { MAX_USER_TAGS_PER_RESOURCE, userTagCount, validateTags } from './tags';
import { leaf } from './xml';

/**
 * CreateTags takes up to 1000 resource ids (EC2 API reference, CreateTags, "Constraints: Up to
 * 1000 resource IDs"); past that EC2 answers ResourceCountExceeded.
 */
export const MAX_RESOURCES_PER_CREATE_TAGS = 1000;

export function createTags({ state, caller, region, params }: ActionContext): string {
  const resourceIds = indexedValues(params, 'ResourceId');
  const tags = readTags(params);
  if (resourceIds.length === 0) throw missingParameter('resourceIdSet');
  if (tags.length === 0) throw missingParameter('tagSet');
  if (resourceIds.length > MAX_RESOURCES_PER_CREATE_TAGS) {
    throw new AwsApiError('ResourceCountExceeded', `You have exceeded the number of resources allowed in a single call: ${resourceIds.length} given, at most ${MAX_RESOURCES_PER_CREATE_TAGS}.`);
  }
  validateTags(tags);
  refuseDryRun(params);

  const view = state.view(caller.account, region);
  const targets = resourceIds.map((id) => tagsOfResource(view, id));
  for (const [index, current] of targets.entries()) {
    const after = { ...current };
    for (const { key, value } of tags) after[key] = value;
    if (userTagCount(after) > MAX_USER_TAGS_PER_RESOURCE) {
      throw new AwsApiError('TagLimitExceeded', `The maximum number of tags for a resource has been reached (${MAX_USER_TAGS_PER_RESOURCE}): ${resourceIds[index]}`);
    }
  }
  // Only once every resource is known and within limits: nothing is written otherwise.
  for (const current of targets) for (const { key, value } of tags) current[key] = value;
  return leaf('return', true);
}

/** The live tag map of a resource, or the error EC2 gives for an id it does not know. */
function tagsOfResource(view: RegionView, id: string): Record<string, string> {
  const kind = kindOfId(id);
  if (kind === 'image' && isWellFormedId('image', id)) {
    const image = view.images.get(id);
    if (!image) throw new AwsApiError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
    return image.tags;
  }
  if (kind === 'snapshot' && isWellFormedId('snapshot', id)) {
    const snapshot = view.snapshots.get(id);
    if (!snapshot) throw new AwsApiError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    return snapshot.tags;
  }
  throw new AwsApiError('InvalidID', `The ID '${id}' is not valid`);
}
