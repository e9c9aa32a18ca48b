import type { RequestContext } from '@seren/service-kit';
import type { Identity } from './app.js';
import { requestInfoOf, type RequestInfo } from './request.js';

/** A resolver map of one feature; service.ts merges them into the subgraph's. */
export type Resolvers = Record<string, Record<string, unknown>>;

/** Wraps `(identity, request, args, parent) => result` as a GraphQL resolver. */
export function resolver<Args = Record<string, never>, Parent = unknown, Result = unknown>(
  identity: Identity,
  fn: (identity: Identity, request: RequestInfo, args: Args, parent: Parent) => Result | Promise<Result>,
) {
  return (parent: Parent, args: Args, context: RequestContext) =>
    fn(identity, requestInfoOf(context), args, parent);
}

export function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Resolvers = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...fields };
  }
  return merged;
}

export const upper = (value: string) => value.toUpperCase();
