import { initGraphQLTada } from 'gql.tada';
import type { introspection } from '../graphql/graphql-env.js';

/**
 * Typed GraphQL documents for the REST rows: `graphql(\`query ... { ... }\`, [fragments])` checks the
 * document against the supergraph's API schema (the typing `npm run compose` writes beside it), so
 * a row's variables and data are typed and a renamed or removed field is a compile error.
 *
 * Fragments are masked: a spread yields an opaque reference, and only the resource's shape file
 * reads it (`readFragment` in its `toRest()`), so each resource's fields are named in one place.
 */
export const graphql = initGraphQLTada<{ introspection: introspection }>();

export { readFragment, type FragmentOf, type ResultOf, type VariablesOf } from 'gql.tada';
