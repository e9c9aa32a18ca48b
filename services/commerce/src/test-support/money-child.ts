// A commerce worker process for the ledger's invariant test (../ledger/invariants.int.test.ts): it
// runs commerce's application functions (the ones GraphQL and REST call) against the test's
// database, many at once, until the test SIGKILLs it. Run as `node --require
// packages/event-store/src/test-support/register.js money-child.ts` with its settings as JSON in
// MONEY_CHILD_ENV; prints `READY` once connected, then `DONE <n> <refused> <failed>` counters.
import { registerHooks } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(__dirname, '../../../..');
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

/* eslint-disable @typescript-eslint/no-require-imports */
const { runMoneyWorker } = require('./money-worker.js') as typeof import('./money-worker');

runMoneyWorker(JSON.parse(process.env.MONEY_CHILD_ENV ?? '{}')).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
