// How every bundle of the project is built (scripts/build.mjs, scripts/e2e/build-tests.mjs): one
// CommonJS file for Node.js 20, with its source map.
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};
