// Shared jest setup: TypeScript through @swc/jest (no type-check at test time; `tsc -b` does that),
// workspace packages resolved to their sources so tests never need a prior build.
const path = require('node:path');

/** @param {string} dir the package directory (pass __dirname) */
module.exports = function preset(dir) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    transform: {
      // unpdf's CommonJS entry loads PDF.js with a native import() of an ESM-only file, which jest's
      // module system cannot run: jest gets unpdf's ESM files (mapped below), compiled like the rest.
      '^.+(\\.(t|j)sx?|unpdf/dist/.+\\.mjs)$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2023',
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    // ESM-only dependencies are compiled to CommonJS for jest's module system.
    transformIgnorePatterns: [
      '/node_modules/(?!(jose|oidc-provider|openid-client|oauth4webapi|unpdf|marked|@scalar|ai|@ai-sdk|@standard-schema|eventsource|eventsource-parser|@workflow|@vercel|zod)/)',
    ],
    moduleNameMapper: {
      '^unpdf$': path.join(__dirname, 'node_modules/unpdf/dist/index.mjs'),
      '^unpdf/pdfjs$': path.join(__dirname, 'node_modules/unpdf/dist/pdfjs.mjs'),
      '^@seren/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
      // subpath entries (package.json "exports"), e.g. @seren/service-kit/errors
      '^@seren/([a-z-]+)/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/$2.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    setupFiles: [path.join(__dirname, 'scripts/jest-setup.cjs')],
    reporters: ['default', path.join(__dirname, 'scripts/jest-results-reporter.cjs')],
    testTimeout: 60_000,
    verbose: false,
  };
};
