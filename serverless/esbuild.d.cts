// Types of serverless/esbuild.cjs, for scripts/bench-bundle.ts.
import type { BuildOptions } from 'esbuild';

declare function serverlessEsbuildOptions(): BuildOptions & { exclude: string[]; packager: string };
declare namespace serverlessEsbuildOptions {
  const lambdaBundleOptions: Readonly<BuildOptions>;
}
export = serverlessEsbuildOptions;
