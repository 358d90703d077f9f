'use strict';
/**
 * The one place that says how the Lambda bundle is built. serverless-esbuild reads it through
 * `custom.esbuild.config` in serverless.yml, and scripts/bench-bundle.ts builds with the same
 * `lambdaBundleOptions`, so the benchmark measures what is deployed.
 */

/** esbuild options proper: what goes into each handler's bundle. */
const lambdaBundleOptions = Object.freeze({
  bundle: true,
  minify: true,
  // The Lambda runtime is nodejs22.x (serverless.yml provider.runtime).
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  // Prefer the ES module builds of the AWS SDK v3 packages: they tree-shake better than `main`.
  mainFields: ['module', 'main'],
  // Stack traces of a minified bundle are read with the external map, which stays out of the zip.
  sourcemap: false,
  // Nothing is external: the AWS SDK v3 clients are bundled so their version is ours, not the runtime's.
  external: [],
  logLevel: 'warning',
});

/**
 * serverless-esbuild calls this with the Serverless instance. `exclude: []` overrides its
 * default of excluding `aws-sdk` (v2, unused here); with nothing external it installs no
 * node_modules and the zip holds only the bundle and the `package.patterns` files.
 */
function serverlessEsbuildOptions() {
  return {
    ...lambdaBundleOptions,
    mainFields: [...lambdaBundleOptions.mainFields],
    external: [],
    exclude: [],
    packager: 'npm',
  };
}

module.exports = serverlessEsbuildOptions;
module.exports.lambdaBundleOptions = lambdaBundleOptions;
