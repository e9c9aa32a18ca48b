// The gateway's build-time tools:
//   node dist/cli.js compose   writes supergraph.graphql from the subgraphs' typeDefs, and the REST
//                                         rows' gql.tada typing of its API schema (src/graphql/graphql-env.ts)
//   node dist/cli.js asyncapi  writes packages/contracts/asyncapi.json from the event contracts
//   node dist/cli.js check     fails when composition fails, the committed file is stale, or
//                                         the client-facing schema has breaking changes against a git
//                                         ref (SCHEMA_BASE_REF, default HEAD); ALLOW_BREAKING_SCHEMA=1
//                                         accepts them after review.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { join } from 'node:path';
import { asyncApiDocument } from '@seren/contracts';
import { composeSupergraph, readCommittedSupergraph, SUPERGRAPH_FILE } from './supergraph/compose.js';
import { describeChanges, diffSupergraphs } from './supergraph/diff.js';
import { subgraphs } from './supergraph/subgraphs.js';
import { introspectionTypingOf, readCommittedTyping, TYPING_FILE } from './supergraph/typing.js';

/** The committed AsyncAPI document, generated from @seren/contracts. */
export const ASYNCAPI_FILE = join(__dirname, '..', '..', '..', 'packages', 'contracts', 'asyncapi.json');

/** The supergraph as committed at a git ref, or undefined when the ref has none (or no git). */
export function supergraphAtRef(ref: string): string | undefined {
  try {
    const root = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const path = relative(root, SUPERGRAPH_FILE);
    return execFileSync('git', ['show', `${ref}:${path}`], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

async function main(command: string | undefined): Promise<number> {
  if (command === 'asyncapi') {
    writeFileSync(ASYNCAPI_FILE, JSON.stringify(asyncApiDocument(), null, 2) + '\n');
    console.log(`wrote ${ASYNCAPI_FILE}`);
    return 0;
  }
  const composed = composeSupergraph(subgraphs);
  if (command === 'compose') {
    writeFileSync(SUPERGRAPH_FILE, composed);
    console.log(`wrote ${SUPERGRAPH_FILE} from ${subgraphs.map((s) => s.name).join(', ')}`);
    writeFileSync(TYPING_FILE, introspectionTypingOf(composed));
    console.log(`wrote ${TYPING_FILE} (the REST rows' typing of the API schema)`);
    return 0;
  }
  if (command === 'check') {
    let failed = false;
    if (!existsSync(SUPERGRAPH_FILE) || readCommittedSupergraph() !== composed) {
      console.error('supergraph.graphql is stale: run `npm run compose` and commit it');
      failed = true;
    }
    if (!existsSync(TYPING_FILE) || readCommittedTyping() !== introspectionTypingOf(composed)) {
      console.error('src/graphql/graphql-env.ts is stale: run `npm run compose` and commit it');
      failed = true;
    }
    const ref = process.env.SCHEMA_BASE_REF || 'HEAD';
    const base = supergraphAtRef(ref);
    if (base) {
      const changes = await diffSupergraphs(base, composed);
      if (changes.breaking.length + changes.dangerous.length + changes.safe.length === 0) {
        console.log(`no schema changes against ${ref}`);
      } else {
        console.log(
          `schema changes against ${ref}:\n${describeChanges([...changes.breaking, ...changes.dangerous, ...changes.safe])}`,
        );
      }
      if (changes.breaking.length > 0 && process.env.ALLOW_BREAKING_SCHEMA !== '1') {
        console.error(
          `${changes.breaking.length} breaking change(s); set ALLOW_BREAKING_SCHEMA=1 once reviewed`,
        );
        failed = true;
      }
    } else {
      console.log(`no supergraph at ${ref} to diff against`);
    }
    return failed ? 1 : 0;
  }
  console.error('usage: cli.js compose | asyncapi | check');
  return 2;
}

if (require.main === module) {
  main(process.argv[2]).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
