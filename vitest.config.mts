import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/** SWC compiles the tests with decorator metadata, as tsc does for the build. */
const swcPlugin = () => swc.vite({ module: { type: 'es6' } });

/**
 * Nest loads graphql through require (CommonJS); our sources must get the same copy, not graphql's
 * .mjs build, or graphql refuses types "from another realm".
 */
const graphqlCommonJs = createRequire(import.meta.url).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCommonJs }] },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        plugins: [swcPlugin()],
        extends: true,
        test: { name: 'unit', include: ['src/**/*.spec.ts', 'web/src/**/*.spec.ts'], environment: 'node' },
      },
      {
        plugins: [swcPlugin()],
        extends: true,
        test: {
          // Services called directly against PostgreSQL, for what must happen once under concurrency.
          name: 'medium',
          include: ['test/**/*.medium-spec.ts'],
          environment: 'node',
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [swcPlugin()],
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e-spec.ts'],
          environment: 'node',
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [swcPlugin()],
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser-spec.ts'],
          environment: 'node',
          // Builds web/ (codegen from schema.gql, type-check, Vite) before any page opens.
          globalSetup: ['./test/support/global-setup.ts', './test/browser/support/build-console.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
