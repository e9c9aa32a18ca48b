import { print, validate, type DocumentNode } from 'graphql';
import { canonicalSerebroScope } from '@seren/contracts';
import { apiSchemaOf, readCommittedSupergraph } from '../supergraph/compose';
import { openApiDocument } from './openapi';
import { serebroRoutes } from './serebro';
import { sereloRoutes } from './serelo';
import { serenaiRoutes } from './serenai';
import type { Product, ProductRoutes } from './types';

const tables = [serenaiRoutes, serebroRoutes, sereloRoutes] as ProductRoutes<Product>[];
const schema = apiSchemaOf(readCommittedSupergraph());

describe('the route tables', () => {
  const rows = tables.flatMap((table) => table.routes.map((route) => ({ product: table.product, route })));

  it.each(
    rows
      .filter((r) => r.route.kind === 'operation')
      .map((r) => [`${r.product} ${r.route.method} ${r.route.path}`, r.route] as const),
  )('%s runs an operation valid against the supergraph', (_name, route) => {
    if (route.kind !== 'operation') return;
    const document = route.operation as unknown as DocumentNode; // gql.tada's AST is graphql-js's
    // a GET never writes; a POST may read (HighLevel's POST /contacts/search is a search)
    expect(print(document)).toMatch(route.method === 'GET' ? /^query / : /^(mutation|query) /);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
    expect(operations).toHaveLength(1);
  });

  it('declares a canonical Serebro scope on every v2 row that authenticates, and scopes nowhere else', () => {
    for (const table of tables) {
      for (const route of table.routes) {
        const v2 = table.product === 'serebro' && (route.versions ?? ['v1', 'v2']).includes('v2');
        const name = `${table.product} ${route.method} ${route.path}`;
        if (v2 && route.auth !== 'none') {
          expect({ name, scope: route.scope && canonicalSerebroScope(route.scope) }).toEqual({
            name,
            scope: route.scope,
          });
          expect(route.scope).toBeDefined();
        } else expect({ name, scope: route.scope }).toEqual({ name, scope: undefined });
      }
    }
  });

  it('has no two rows with the same method and path', () => {
    for (const table of tables) {
      const keys = table.routes.map((r) => `${r.method} ${r.path}`);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    }
  });

  it('generates an OpenAPI 3.1 document per product', () => {
    for (const table of tables) {
      const document = openApiDocument(table) as { openapi: string; paths: Record<string, unknown> };
      expect(document.openapi).toBe('3.1.0');
      expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    }
  });
});
