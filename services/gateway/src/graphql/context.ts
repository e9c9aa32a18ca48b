import type { BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

/** What the gateway passes to its subgraph fetches for one client request. */
export interface GatewayContext extends BaseContext {
  /** the caller, as a short-lived token signed by the gateway (`x-internal-token`) */
  internalToken: string;
  requestId: string;
  traceparent?: string;
  tracestate?: string;
  /** the end client's address and user agent, for identity's sessions and the audit log */
  clientIp?: string;
  userAgent?: string;
}

export interface OperationResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Runs GraphQL operations over the supergraph in-process (the REST adapters' engine). */
export interface GraphExecutor {
  execute(
    document: string,
    variables: Record<string, unknown>,
    context: GatewayContext,
  ): Promise<OperationResult>;
}
