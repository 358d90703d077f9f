'use strict';
/**
 * The package version the stack is deployed from, as a stack output: `ami-tagger doctor` compares
 * it with its own version ("the stack matches this version"). The output's name is doctor's
 * (src/doctor/names.ts), loaded through tsx.
 *
 * serverless.yml: `resources: - ${file(./serverless/version.cjs):outputs}`
 */
const tsx = require('tsx/cjs/api');
const { version } = require('../package.json');

function outputs() {
  const { VERSION_OUTPUT } = tsx.require('../src/doctor/names.ts', __filename);
  return {
    Outputs: {
      [VERSION_OUTPUT]: {
        Description: 'The ami-tagger version this stack was deployed from; `ami-tagger doctor` compares it with its own.',
        Value: version,
      },
    },
  };
}

module.exports = { outputs, version };
