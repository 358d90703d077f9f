'use strict';
/**
 * The two EventBridge patterns of the tagger's rules, from their one definition,
 * src/events/event-patterns.ts, loaded through tsx as serverless/rules.cjs loads the rules loader.
 * templates/forwarding-rule.yml spells the same two (a test keeps it equal), and
 * `ami-tagger doctor` compares the deployed rules with them.
 *
 * serverless.yml: `pattern: ${file(./serverless/event-patterns.cjs):imageCreated}`
 */
const tsx = require('tsx/cjs/api');

function eventPatterns() {
  return tsx.require('../src/events/event-patterns.ts', __filename);
}

/** CreateImage, CopyImage and RegisterImage calls that succeeded (CloudTrail). */
const imageCreated = () => eventPatterns().patternJson('image-created');
/** AMIs that became available. */
const imageAvailable = () => eventPatterns().patternJson('image-available');

module.exports = { imageCreated, imageAvailable };
