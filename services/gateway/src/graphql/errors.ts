import type { GraphQLFormattedError } from 'graphql';

/** Extensions that carry where an error was thrown: file paths and code of a subgraph. */
const traceExtensions = ['stacktrace', 'exception'];

/**
 * An error as `/graphql` and the REST engine see it, without stack traces: @apollo/gateway passes
 * each subgraph's `extensions` through, and a subgraph outside production puts its stack (with
 * file paths) in `extensions.stacktrace`. Kept only with `GRAPHQL_DEBUG=true`.
 */
export function withoutStackTraces(error: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = error.extensions;
  if (!extensions || !traceExtensions.some((name) => name in extensions)) return error;
  const kept = Object.fromEntries(
    Object.entries(extensions).filter(([name]) => !traceExtensions.includes(name)),
  );
  return { ...error, extensions: kept };
}
