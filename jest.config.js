/** Every test file runs twice: once on the embedded SQLite, once on MariaDB (TEST_DB). */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  setupFiles: ['reflect-metadata'],
  testTimeout: 60000,
};
module.exports = {
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'sqlite', testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.spec.ts', '<rootDir>/policies/**/*.spec.ts'], setupFiles: [...common.setupFiles, '<rootDir>/test/support/env-sqlite.js'] },
    { ...common, displayName: 'mariadb', testMatch: ['<rootDir>/test/**/*.test.ts'], setupFiles: [...common.setupFiles, '<rootDir>/test/support/env-mariadb.js'] },
  ],
};
