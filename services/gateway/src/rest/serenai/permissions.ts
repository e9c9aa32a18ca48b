import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { organizationParams } from './shapes/organization.js';
import { PermissionFields, permissionSchema, permissionToRest } from './shapes/permission.js';

// SerenAI "RBAC" permissions (identity): the catalog and the caller's permissions in an organization.

export const permissionsRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/permissions/check/{permission}',
    section: 'permissions',
    summary: 'Check if the current user has a specific permission',
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams.extend({ permission: z.string().min(1) }) },
    operation: graphql(`
      query SerenaiCheckPermission($org: ID!, $permission: String!) {
        checkPermission(organizationId: $org, permission: $permission) {
          permission
          allowed
        }
      }
    `),
    variables: ({ params }) => ({ org: params.organization_id, permission: params.permission }),
    response: {
      status: 200,
      description: 'Permission check result',
      schema: dataResponseSchema(z.object({ permission: z.string(), has_permission: z.boolean() })),
      body: ({ checkPermission: c }) => dataResponse({ permission: c.permission, has_permission: c.allowed }),
    },
    errors: [403],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/permissions/mine',
    section: 'permissions',
    summary: "Current user's permissions in an organization",
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams },
    operation: graphql('query SerenaiMyPermissions($org: ID!) { myPermissions(organizationId: $org) }'),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: "User's permissions (a plain array, as the spec shows)",
      schema: z.array(z.string()),
      body: (data) => [...data.myPermissions],
    },
    errors: [403],
  }),
  route.operation({
    method: 'GET',
    path: '/permissions',
    section: 'permissions',
    summary: 'List all permissions',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiListPermissions {
          permissions {
            ...PermissionFields
          }
        }
      `,
      [PermissionFields],
    ),
    response: {
      status: 200,
      description: 'Permissions (a plain array, as the spec shows)',
      schema: z.array(permissionSchema),
      body: (data) => data.permissions.map(permissionToRest),
    },
  }),
];
