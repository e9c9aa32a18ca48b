import { signInternalToken, type Caller } from '@seren/service-kit';
import { TEST_INTERNAL_TOKEN_SECRET } from './service-env.js';

/** Headers that make a direct call to a service look like one the gateway authenticated. */
export async function asCaller(
  caller: Partial<Caller> & { subject: string },
): Promise<Record<string, string>> {
  const token = await signInternalToken(
    { kind: 'user', scopes: [], permissions: [], ...caller },
    TEST_INTERNAL_TOKEN_SECRET,
  );
  return { 'x-internal-token': token };
}

/** POSTs a GraphQL operation to a service's subgraph and returns the parsed body. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as never;
}
