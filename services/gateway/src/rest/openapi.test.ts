import { SEREBRO_SCOPES } from '@seren/contracts';
import { openApiDocument } from './openapi';
import { serenai } from './products';
import { serebroRoutes } from './serebro';
import { sereloRoutes } from './serelo';
import { serenaiRoutes } from './serenai';
import type { Product, ProductRoutes } from './types';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const operationsOf = (document: Json) =>
  Object.entries(document.paths as Json).flatMap(([path, methods]) =>
    Object.entries(methods as Json).map(([method, operation]) => ({
      path,
      method,
      operation: operation as Json,
    })),
  );

describe('what every OpenAPI document says about errors and headers', () => {
  const documents = {
    serenai: openApiDocument(serenaiRoutes),
    serebro: openApiDocument(serebroRoutes),
    serelo: openApiDocument(sereloRoutes),
  } as Record<Product, Json>;

  it("lets SerenAI's Error carry the retry_after its 429 sends", () => {
    const error = documents.serenai.components.schemas.Error;
    expect(error.properties.retry_after).toMatchObject({ type: 'integer' });
    expect(error.required).toEqual(['error', 'message']);
    expect(
      serenai.errorSchema.safeParse({ error: 'RATE_LIMITED', message: 'wait', retry_after: 3 }).success,
    ).toBe(true);
  });

  it('declares each product’s X-RateLimit headers, and Retry-After on 429', () => {
    const names: Record<Product, string[]> = {
      serenai: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
      serelo: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
      serebro: [
        'X-RateLimit-Limit-Daily',
        'X-RateLimit-Daily-Remaining',
        'X-RateLimit-Interval-Milliseconds',
        'X-RateLimit-Max',
        'X-RateLimit-Remaining',
      ],
    };
    for (const product of ['serenai', 'serebro', 'serelo'] as const) {
      const document = documents[product];
      for (const name of [...names[product], 'X-Request-Id', 'Retry-After'])
        expect(document.components.headers[name]).toMatchObject({ schema: expect.any(Object) });
      for (const { operation } of operationsOf(document)) {
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          const headers = Object.keys(response.headers);
          if (status === '431') expect(headers).toEqual(['X-Request-Id']);
          else expect(headers).toEqual(expect.arrayContaining(['X-Request-Id', ...names[product]]));
          expect(headers.includes('Retry-After')).toBe(status === '429');
        }
      }
    }
    expect(operationsOf(documents.serenai).length).toBeGreaterThan(10);
    expect(operationsOf(documents.serelo).length).toBeGreaterThan(3);
  });

  it("documents Serebro's v1 API keys and v2 OAuth scopes (the catalog) per operation", () => {
    const document = documents.serebro;
    const { oauth2, apiKey, privateIntegrationToken } = document.components.securitySchemes;
    expect(apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(privateIntegrationToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(oauth2.flows.authorizationCode).toMatchObject({
      authorizationUrl: '/v2/oauth/chooselocation',
      tokenUrl: '/v2/oauth/token',
    });
    expect(Object.keys(oauth2.flows.authorizationCode.scopes)).toEqual(SEREBRO_SCOPES.map((s) => s.name));
    expect(oauth2.flows.authorizationCode.scopes['contacts:read']).toContain('contacts.readonly');
    expect(document.paths['/v2/locations/{locationId}'].get.security).toEqual([
      { oauth2: ['locations:read'] },
      { privateIntegrationToken: ['locations:read'] },
    ]);
    expect(document.paths['/locations/{locationId}'].get.security).toEqual([{ apiKey: [] }]);
  });

  it('documents 400 and 431 on every operation, 414 where a path parameter can be too long', () => {
    const tables = [serenaiRoutes, sereloRoutes] as ProductRoutes<Product>[];
    for (const table of tables) {
      for (const { path, operation } of operationsOf(openApiDocument(table))) {
        const statuses = Object.keys(operation.responses);
        expect(statuses).toEqual(expect.arrayContaining(['400', '431', '429', '500']));
        expect(statuses.includes('414')).toBe(path.includes('{'));
        expect(operation.responses['414']?.content['application/json'].schema).toEqual(
          path.includes('{') ? { $ref: '#/components/schemas/Error' } : undefined,
        );
      }
    }
  });
});
