// Bundles the `ami-tagger` command into dist/cli.cjs (one file, fast start, no TypeScript at run time).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/index.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
