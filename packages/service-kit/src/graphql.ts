import DataLoader from 'dataloader';
import type { RequestOrigin } from './metadata.js';
import type { RequestContext } from './server.js';

/** A resolver map of one feature; the service's schema file merges them into the subgraph's. */
export type Resolvers = Record<string, Record<string, unknown>>;

/** What the application layer knows about a request: who calls, from where (see `eventMetadataOf`). */
export function requestInfoOf(context: RequestContext<unknown>): RequestOrigin {
  return {
    caller: context.caller,
    requestId: context.requestId,
    traceparent: context.traceparent,
    clientIp: context.clientIp,
    userAgent: context.userAgent,
  };
}

/**
 * Wraps `(app, request, args, parent) => result` as a GraphQL resolver, so a feature's graphql.ts
 * is a list of one-line adapters over its application functions. Write `resolver(app, (app,
 * request, args: Args) => ...)` to have `app` typed from the first argument; with explicit type
 * arguments (`resolver<Args, Parent>(app, ...)`) the context type comes last and defaults to any,
 * because TypeScript cannot infer one type argument and take the others.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resolver<Args = Record<string, never>, Parent = unknown, Result = unknown, App = any>(
  app: App,
  fn: (app: App, request: RequestOrigin, args: Args, parent: Parent) => Result | Promise<Result>,
) {
  return (parent: Parent, args: Args, context: RequestContext<unknown>) =>
    fn(app, requestInfoOf(context), args, parent);
}

/** Merges the features' resolver maps type by type (two features may both add fields to `Query`). */
export function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Resolvers = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...fields };
  }
  return merged;
}

/**
 * A DataLoader over a batch reader that answers a map (ids absent from it load as undefined): the
 * fields of one GraphQL request that ask for the same kind of row are read with one query. Make
 * loaders in the service's `loaders` factory, so each request gets fresh ones (no cache shared
 * between requests or callers). `keyOf` names composite keys (`${organizationId}/${roleId}`).
 */
export function batchLoader<Key, Value>(
  readMany: (keys: readonly Key[]) => Promise<ReadonlyMap<string, Value>>,
  keyOf: (key: Key) => string = String,
): DataLoader<Key, Value | undefined, string> {
  return new DataLoader<Key, Value | undefined, string>(
    async (keys) => {
      const found = await readMany(keys);
      return keys.map((key) => found.get(keyOf(key)));
    },
    { cacheKeyFn: keyOf },
  );
}
