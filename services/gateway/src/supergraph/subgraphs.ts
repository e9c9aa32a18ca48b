import type { DocumentNode } from 'graphql';
import { typeDefs as commerce } from '@seren/commerce/dist/schema.js';
import { typeDefs as content } from '@seren/content/dist/schema.js';
import { typeDefs as crm } from '@seren/crm/dist/schema.js';
import { typeDefs as identity } from '@seren/identity/dist/schema.js';
import type { SubgraphName } from '../config.js';

export interface SubgraphDefinition {
  name: SubgraphName;
  /** the default URL written into the supergraph; the running gateway takes each URL from its config */
  url: string;
  typeDefs: DocumentNode;
}

/**
 * The subgraphs composed into the supergraph. A domain service joins by exporting `typeDefs` from
 * `services/<svc>/src/schema.ts` and being listed here.
 */
export const subgraphs: SubgraphDefinition[] = [
  { name: 'identity', url: 'http://127.0.0.1:4101/graphql', typeDefs: identity },
  { name: 'crm', url: 'http://127.0.0.1:4102/graphql', typeDefs: crm },
  { name: 'content', url: 'http://127.0.0.1:4103/graphql', typeDefs: content },
  { name: 'commerce', url: 'http://127.0.0.1:4104/graphql', typeDefs: commerce },
];
