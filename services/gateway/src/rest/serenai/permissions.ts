import { z } from 'zod';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { orgParams } from './organizations.js';

// SerenAI "RBAC" permissions (identity): the catalog and the caller's permissions in an organization.

const permissionSchema = z.object({
  id: z.string(),
  name: z.string(),
  resource_type: z.string(),
  action: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
});

export const permissionsRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/permissions/check/{permission}',
    section: 'permissions',
    summary: 'Check if the current user has a specific permission',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgParams.extend({ permission: z.string().min(1) }) },
    operation: /* GraphQL */ `
      query SerenaiCheckPermission($org: ID!, $permission: String!) {
        checkPermission(organizationId: $org, permission: $permission) {
          permission
          allowed
        }
      }
    `,
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
    request: { params: orgParams },
    operation: 'query SerenaiMyPermissions($org: ID!) { myPermissions(organizationId: $org) }',
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: "User's permissions (a plain array, as the spec shows)",
      schema: z.array(z.string()),
      body: (data) => data.myPermissions,
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
    operation:
      'query SerenaiListPermissions { permissions { id name resourceType action description createdAt } }',
    response: {
      status: 200,
      description: 'Permissions (a plain array, as the spec shows)',
      schema: z.array(permissionSchema),
      body: (data) =>
        data.permissions.map(
          (p: {
            id: string;
            name: string;
            resourceType: string;
            action: string;
            description: string | null;
            createdAt: string;
          }) => ({
            id: p.id,
            name: p.name,
            resource_type: p.resourceType,
            action: p.action,
            description: p.description,
            created_at: p.createdAt,
          }),
        ),
    },
  }),
];
