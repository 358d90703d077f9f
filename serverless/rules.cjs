'use strict';
/**
 * Turns the tag rules file (YAML, `--param rulesFile=...`, default ./ami-tagger.yml) into the JSON
 * file that the Lambda reads, at package time. The Lambda then carries no YAML parser, and a
 * rules file that does not validate stops `sls package` before anything is built or deployed.
 *
 * The rules are loaded and checked by the project's own loader (src/rules/load.ts), run through
 * tsx, so the deploy checks exactly what the CLI and the tests check, including the ReDoS check of
 * nameMatch (src/rules/regex-safety.ts, with the `recheck` devDependency, run here from the repo).
 * The Lambda reads the JSON through src/rules/compiled.ts, which carries neither YAML nor recheck.
 */
const fs = require('node:fs');
const path = require('node:path');
const tsx = require('tsx/cjs/api');
const { deployParameterError } = require('./params.cjs');

const SERVICE_DIR = path.resolve(__dirname, '..');
/** Where the JSON is written, relative to the service; serverless.yml `package.patterns` ships it. */
const RULES_JSON_PATH = '.build/ami-tagger.rules.json';

function isInputError(error) {
  return error instanceof Error && error.name === 'InputError' && typeof error.describe === 'function';
}

/**
 * Resolver for AMI_TAGGER_RULES_FILE: writes the JSON and returns its path relative to the package
 * root, which is the working directory both in Lambda (/var/task) and in `sls invoke local`.
 */
async function packagedRulesFile({ resolveVariable }) {
  const rulesFile = String(await resolveVariable('param:rulesFile'));
  const source = path.resolve(SERVICE_DIR, rulesFile);
  const { loadRulesFile } = tsx.require('../src/rules/load.ts', __filename);
  let rules;
  try {
    rules = loadRulesFile(source);
  } catch (error) {
    if (!isInputError(error)) throw error;
    throw deployParameterError(
      `The tag rules file ${rulesFile} is not valid; nothing was packaged.\n${error.describe()}`,
    );
  }
  const target = path.join(SERVICE_DIR, RULES_JSON_PATH);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, `${JSON.stringify(rules, null, 2)}\n`);
  return RULES_JSON_PATH;
}

module.exports = { packagedRulesFile, RULES_JSON_PATH };
