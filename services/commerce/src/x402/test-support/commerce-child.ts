// The commerce service in a process of its own, for the x402 test that SIGKILLs it mid-settlement.
// Run as `node --require packages/event-store/src/test-support/register.js commerce-child.ts` with
// the service's environment as JSON in COMMERCE_CHILD_ENV; prints `READY <url>` once it listens.
import { registerHooks } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(__dirname, '../../../../..');
// register.js maps `@seren/<pkg>` to its sources; the subpath entries (`@seren/service-kit/errors`) too.
registerHooks({
  resolve(specifier, context, nextResolve) {
    const sub = /^@seren\/([a-z-]+)\/([a-z-]+)$/.exec(specifier);
    if (sub)
      return {
        url: pathToFileURL(join(repoRoot, 'packages', sub[1]!, 'src', `${sub[2]}.ts`)).href,
        shortCircuit: true,
      };
    return nextResolve(specifier, context);
  },
});

// `require.resolve('./workflows')` (the worker's bundle entry) resolves through the extension list,
// not the hooks: let it find `.ts` files (register.js compiles whatever it loads).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require('node:module') as { _extensions: Record<string, unknown> };
Module._extensions['.ts'] ??= Module._extensions['.js'];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startCommerceService } = require('../../service.js') as typeof import('../../service');

startCommerceService(JSON.parse(process.env.COMMERCE_CHILD_ENV ?? '{}') as Record<string, string>).then(
  (service) => console.log(`READY ${service.url}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
