// Bundles the `ami-tagger` command into dist/cli.cjs: one file, fast start, no TypeScript and no
// node_modules at run time. `npm pack` runs it (the `prepack` script); the package ships that file.
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

const OUTFILE = 'dist/cli.cjs';

/**
 * recheck (the rules' regex check) resolves this worker file for its worker backend only; the
 * CLI runs its "pure" backend in the same thread (src/rules/regex-safety.ts), so it is never loaded.
 */
const NEVER_LOADED = ['./synckit-worker'];

const result = await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: OUTFILE,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  // Smaller without renaming anything: a stack trace (AMI_TAGGER_DEBUG=1) still names the
  // functions. No source map: it would be twice the bundle's size in every installation.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  external: NEVER_LOADED,
  metafile: true,
  logLevel: 'warning',
});

// The package has no runtime dependencies: everything the bundle loads must be in it, or be Node's own.
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const outside = (result.metafile.outputs[OUTFILE]?.imports ?? [])
  .filter((entry) => entry.external && !builtins.has(entry.path) && !NEVER_LOADED.includes(entry.path))
  .map((entry) => entry.path);
if (outside.length > 0) {
  console.error(`build-cli: the bundle would load packages it does not contain: ${[...new Set(outside)].join(', ')}`);
  process.exit(1);
}
