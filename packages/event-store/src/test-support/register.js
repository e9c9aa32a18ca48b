// Lets plain `node` run this repository's TypeScript sources (the relay child process of the fault
// tests, the benchmarks) the way jest does: @swc/core compiles each .ts file to CommonJS, `./x.js`
// imports find `./x.ts`, and `@seren/<pkg>` maps to packages/<pkg>/src (`@seren/<pkg>/<entry>` to its src/<entry>.ts).
// Usage: node --require ./packages/event-store/src/test-support/register.js some-script.ts
// (--require, not --import: the entry must go through the CommonJS loader, whose require() runs
// these hooks; an entry run by the ESM loader resolves its requires without them.)
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { registerHooks } = require('node:module');
const { join, resolve } = require('node:path');
const { fileURLToPath, pathToFileURL } = require('node:url');
const { transformSync } = require('@swc/core');

const repoRoot = resolve(__dirname, '../../../..');

registerHooks({
  resolve(specifier, context, nextResolve) {
    const pkg = /^@seren\/([a-z-]+)$/.exec(specifier);
    if (pkg) {
      const entry = join(repoRoot, 'packages', pkg[1], 'src/index.ts');
      if (existsSync(entry)) return { url: pathToFileURL(entry).href, shortCircuit: true };
    }
    // the subpath entries (`@seren/service-kit/errors` → packages/service-kit/src/errors.ts)
    const sub = /^@seren\/([a-z-]+)\/([a-z-]+)$/.exec(specifier);
    if (sub) {
      const entry = join(repoRoot, 'packages', sub[1], 'src', `${sub[2]}.ts`);
      if (existsSync(entry)) return { url: pathToFileURL(entry).href, shortCircuit: true };
    }
    if (
      (specifier.startsWith('.') || specifier.startsWith('/')) &&
      specifier.endsWith('.js') &&
      context.parentURL &&
      context.parentURL.endsWith('.ts')
    ) {
      const candidate = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
      if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (url.startsWith('file:') && url.endsWith('.ts') && !url.includes('/node_modules/')) {
      const filename = fileURLToPath(url);
      const { code } = transformSync(readFileSync(filename, 'utf8'), {
        filename,
        sourceMaps: 'inline',
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'commonjs' },
      });
      return { format: 'commonjs', source: code, shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});

// `require.resolve('./workflows')` (a Temporal worker's bundle entry) resolves through the extension
// list, not the hooks: let it find `.ts` files (the load hook above compiles whatever it loads).
const Module = require('node:module');
Module._extensions['.ts'] ??= Module._extensions['.js'];
