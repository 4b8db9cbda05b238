// Four kinds of tests, each runnable alone: `npx jest --selectProjects unit|integration|e2e|chaos`.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'],
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'],
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    // The services as processes against a broker of its own (test/chaos); Redis from REDIS_URL.
    // The chaos run itself only with CHAOS_RUN=1 (`npm run test:chaos` sets it): it is not yet
    // reliably green (see README, Tests), and a run of `npm test` must be. Its harness's own unit
    // tests always run.
    {
      ...common,
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.spec.ts', ...(process.env.CHAOS_RUN === '1' ? ['<rootDir>/test/chaos/**/*.chaos-spec.ts'] : [])],
    },
  ],
};
