import { createRequire } from 'node:module';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';

// @apollo/gateway's executeQueryPlan turns the request's document into federation's `Operation`
// (`operationFromDocument(apiSchema, {operation, ...fragments}, {validate: false})`) on every
// request, although it already caches the query plan made from that same document: on a REST list
// of 20 contacts that conversion was about 6% of the gateway's CPU per request. Apollo Server keeps
// one parsed document per query text (its document store), so the operation's AST node is the same
// object on every request of one operation; the `Operation` built from it is kept beside that node
// (a WeakMap: when the document store drops the document, the entry goes with it).
//
// The conversion is swapped on the module @apollo/gateway calls it through (federation-internals'
// `dist/operations.js`, whose index re-exports it by a getter). Only the unvalidated conversion of a
// document with one operation is memoised, keyed by the schema, the operation node and its fragment
// nodes; everything else (the query planner's own validated call) goes to the original.

type OperationFromDocument = (
  schema: object,
  document: DocumentNode,
  options?: { validate?: boolean; operationName?: string },
) => unknown;

interface Cached {
  fragments: readonly FragmentDefinitionNode[];
  operation: unknown;
}

const requireCjs = createRequire(__filename);
const operations = requireCjs('@apollo/federation-internals/dist/operations.js') as {
  operationFromDocument: OperationFromDocument & { memoised?: true };
};

/** The memoising conversion over `original` (exported for its test). */
export function memoisedOperationFromDocument(original: OperationFromDocument): OperationFromDocument {
  const bySchema = new WeakMap<object, WeakMap<OperationDefinitionNode, Cached>>();
  return (schema, document, options) => {
    const [first, ...rest] = document.definitions;
    if (
      options?.validate !== false ||
      options.operationName !== undefined ||
      first?.kind !== Kind.OPERATION_DEFINITION ||
      !rest.every((d) => d.kind === Kind.FRAGMENT_DEFINITION)
    )
      return original(schema, document, options);
    const fragments = rest as FragmentDefinitionNode[];
    let cache = bySchema.get(schema);
    if (!cache) bySchema.set(schema, (cache = new WeakMap()));
    const hit = cache.get(first);
    if (hit && hit.fragments.length === fragments.length && hit.fragments.every((f, i) => f === fragments[i]))
      return hit.operation;
    const operation = original(schema, document, options);
    cache.set(first, { fragments, operation });
    return operation;
  };
}

/** Installs the memoised conversion once per process. */
export function memoiseGatewayOperations(): void {
  if (operations.operationFromDocument.memoised) return;
  const memoised = Object.assign(memoisedOperationFromDocument(operations.operationFromDocument), {
    memoised: true as const,
  });
  operations.operationFromDocument = memoised;
}
