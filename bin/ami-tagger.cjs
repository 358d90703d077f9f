#!/usr/bin/env node
'use strict';
// The installed package runs the bundle, dist/cli.cjs (built by `npm pack` through `prepack`).
// A checkout of the repository runs the TypeScript source instead, through tsx (a
// devDependency), so `npx ami-tagger` there is never an out-of-date build.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'src', 'cli', 'index.ts');

function tsxApi() {
  try {
    return require.resolve('tsx/cjs/api', { paths: [root] });
  } catch {
    return undefined; // a checkout installed without devDependencies: the bundle, if built
  }
}

const tsx = existsSync(source) ? tsxApi() : undefined;
if (tsx !== undefined) require(tsx).require(source, __filename);
else require('../dist/cli.cjs');
