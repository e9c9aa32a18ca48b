import { openApiDocument } from './openapi';
import { sereloRoutes } from './serelo';
import { serenaiRoutes } from './serenai';
import type { Product, ProductRoutes } from './types';

// The request schemas of identity's rows are identity's own input schemas (@seren/contracts,
// identity/inputs.ts), so each document states the limits the service enforces.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const documentOf = (table: ProductRoutes<Product>) => openApiDocument(table) as Json;
const serenai = documentOf(serenaiRoutes as ProductRoutes<Product>);
const serelo = documentOf(sereloRoutes as ProductRoutes<Product>);

const bodyOf = (document: Json, method: string, path: string): Json => {
  const operation = document.paths[path]?.[method];
  if (!operation) throw new Error(`no ${method} ${path}`);
  return operation.requestBody.content['application/json'].schema.properties;
};
const queryOf = (document: Json, method: string, path: string, name: string): Json =>
  document.paths[path][method].parameters.find((p: Json) => p.in === 'query' && p.name === name).schema;

const name = { type: 'string', minLength: 1, maxLength: 100 };
const email = { type: 'string', format: 'email', maxLength: 255 };
const password = {
  type: 'string',
  minLength: 8,
  maxLength: 128,
  description: expect.stringMatching(/uppercase/),
};
const optional = (schema: Json) => ({ anyOf: expect.arrayContaining([expect.objectContaining(schema)]) });

describe("OpenAPI documents identity's input limits", () => {
  it.each([['/organizations/default/api-keys'], ['/organizations/{organization_id}/api-keys']])(
    'POST %s: name 1-100, expires_in_days 1-3650',
    (path) => {
      expect(bodyOf(serenai, 'post', path)).toMatchObject({
        name,
        expires_in_days: optional({ type: 'integer', minimum: 1, maximum: 3650 }),
      });
    },
  );

  it('SerenAI auth: agent name, emails and the new password', () => {
    expect(bodyOf(serenai, 'post', '/auth/agent').name).toMatchObject(optional(name));
    for (const path of ['/auth/forgot-password', '/auth/resend-verification'])
      expect(bodyOf(serenai, 'post', path).email).toMatchObject(email);
    expect(bodyOf(serenai, 'patch', '/auth/agent').email).toMatchObject(email);
    expect(bodyOf(serenai, 'post', '/auth/reset-password').new_password).toMatchObject(password);
    expect(bodyOf(serenai, 'post', '/wallet/recovery').email).toMatchObject(optional(email));
  });

  it('SerenAI organizations and roles: the invitee email, role names and the permission list', () => {
    expect(bodyOf(serenai, 'post', '/organizations/{organization_id}/invites').email).toMatchObject(email);
    const permissions = {
      type: 'array',
      items: expect.objectContaining({ enum: expect.arrayContaining(['org.read', 'wallet.manage']) }),
    };
    expect(bodyOf(serenai, 'post', '/organizations/{organization_id}/roles')).toMatchObject({
      name,
      permissions,
    });
    expect(bodyOf(serenai, 'patch', '/organizations/{organization_id}/roles/{role_id}')).toMatchObject({
      name: optional(name),
      permissions: optional(permissions),
    });
  });

  it('SerenAI audit logs: a page is 1 to 100 entries', () => {
    expect(queryOf(serenai, 'get', '/organizations/{organization_id}/audit-logs', 'limit')).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100,
    });
  });

  it('Serelo: register, the profile name and the new password', () => {
    expect(bodyOf(serelo, 'post', '/api/v1/auth/register')).toMatchObject({ email, password, name });
    expect(bodyOf(serelo, 'patch', '/api/v1/users/me').name).toMatchObject(optional(name));
    expect(bodyOf(serelo, 'post', '/api/v1/users/change-password').new_password).toMatchObject(password);
  });
});
