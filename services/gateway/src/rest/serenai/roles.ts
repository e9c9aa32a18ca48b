import { z } from 'zod';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { MEMBER_FIELDS, memberBody, memberSchema, orgParams } from './organizations.js';

// SerenAI "RBAC" roles (identity): built-in roles (owner, admin, editor, viewer; read-only) and
// custom roles per organization, and assigning a role to a member.

const ROLE_FIELDS = /* GraphQL */ `
  fragment RoleFields on Role {
    id
    organizationId
    name
    description
    permissions
    isBuiltin
    createdAt
    updatedAt
  }
`;

const roleSchema = z.object({
  id: z.string(),
  organization_id: z.string().nullable().describe('null for built-in roles'),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  is_builtin: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

interface RoleData {
  id: string;
  organizationId: string | null;
  name: string;
  description: string | null;
  permissions: string[];
  isBuiltin: boolean;
  createdAt: string;
  updatedAt: string;
}

const roleBody = (r: RoleData) => ({
  id: r.id,
  organization_id: r.organizationId,
  name: r.name,
  description: r.description,
  permissions: r.permissions,
  is_builtin: r.isBuiltin,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

const roleParams = orgParams.extend({ role_id: z.string().min(1) });

export const rolesRoutes = [
  route.operation({
    method: 'PUT',
    path: '/organizations/{organization_id}/members/{member_id}/role',
    section: 'roles',
    summary: 'Assign a role to an organization member',
    description:
      'Either role_id or role_name (owner, admin, editor, viewer, or a custom role name). Needs org.manage_members.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: orgParams.extend({ member_id: z.string().min(1) }),
      body: z
        .object({ role_id: z.string().nullish(), role_name: z.string().nullish() })
        .refine((b) => Boolean(b.role_id || b.role_name), 'Either role_id or role_name must be provided'),
    },
    operation: /* GraphQL */ `
      mutation SerenaiAssignRole($org: ID!, $member: ID!, $roleId: ID, $roleName: String) {
        assignRole(organizationId: $org, memberId: $member, roleId: $roleId, roleName: $roleName) {
          ...MemberFields
        }
      }
      ${MEMBER_FIELDS}
    `,
    variables: ({ params, body }) => ({
      org: params.organization_id,
      member: params.member_id,
      roleId: body.role_id ?? null,
      roleName: body.role_name ?? null,
    }),
    response: {
      status: 200,
      description: 'Role assigned successfully',
      schema: dataResponseSchema(memberSchema),
      body: (data) => dataResponse(memberBody(data.assignRole)),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/roles',
    section: 'roles',
    summary: 'List roles for an organization (includes built-in roles)',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgParams },
    operation: /* GraphQL */ `
      query SerenaiListRoles($org: ID!) {
        roles(organizationId: $org) {
          ...RoleFields
        }
      }
      ${ROLE_FIELDS}
    `,
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Roles retrieved successfully',
      schema: dataResponseSchema(z.array(roleSchema)),
      body: (data) => dataResponse(data.roles.map(roleBody)),
    },
    errors: [403],
  }),
  route.operation({
    method: 'POST',
    path: '/organizations/{organization_id}/roles',
    section: 'roles',
    summary: 'Create a custom role',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: orgParams,
      body: z.object({
        name: z.string(),
        description: z.string().nullish(),
        permissions: z.array(z.string()),
      }),
    },
    operation: /* GraphQL */ `
      mutation SerenaiCreateRole($org: ID!, $name: String!, $description: String, $permissions: [String!]!) {
        createRole(organizationId: $org, name: $name, description: $description, permissions: $permissions) {
          ...RoleFields
        }
      }
      ${ROLE_FIELDS}
    `,
    variables: ({ params, body }) => ({
      org: params.organization_id,
      name: body.name,
      description: body.description ?? null,
      permissions: body.permissions,
    }),
    response: {
      status: 201,
      description: 'Role created successfully',
      schema: dataResponseSchema(roleSchema),
      body: (data) => dataResponse(roleBody(data.createRole)),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/roles/{role_id}',
    section: 'roles',
    summary: 'Get a specific role',
    auth: 'required',
    rateLimit: 'general',
    request: { params: roleParams },
    operation: /* GraphQL */ `
      query SerenaiGetRole($org: ID!, $role: ID!) {
        role(organizationId: $org, roleId: $role) {
          ...RoleFields
        }
      }
      ${ROLE_FIELDS}
    `,
    variables: ({ params }) => ({ org: params.organization_id, role: params.role_id }),
    response: {
      status: 200,
      description: 'Role retrieved successfully',
      schema: dataResponseSchema(roleSchema),
      body: (data) => dataResponse(roleBody(data.role)),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/organizations/{organization_id}/roles/{role_id}',
    section: 'roles',
    summary: 'Delete a custom role',
    description: 'Built-in roles cannot be deleted (400), nor roles still assigned to members (400).',
    auth: 'required',
    rateLimit: 'general',
    request: { params: roleParams },
    operation:
      'mutation SerenaiDeleteRole($org: ID!, $role: ID!) { deleteRole(organizationId: $org, roleId: $role) }',
    variables: ({ params }) => ({ org: params.organization_id, role: params.role_id }),
    response: { status: 204, description: 'Role deleted successfully' },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'PATCH',
    path: '/organizations/{organization_id}/roles/{role_id}',
    section: 'roles',
    summary: 'Update a custom role',
    description: 'Built-in roles cannot be modified (400).',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: roleParams,
      body: z.object({
        name: z.string().nullish(),
        description: z.string().nullish(),
        permissions: z.array(z.string()).nullish(),
      }),
    },
    operation: /* GraphQL */ `
      mutation SerenaiUpdateRole(
        $org: ID!
        $role: ID!
        $name: String
        $description: String
        $permissions: [String!]
      ) {
        updateRole(
          organizationId: $org
          roleId: $role
          name: $name
          description: $description
          permissions: $permissions
        ) {
          ...RoleFields
        }
      }
      ${ROLE_FIELDS}
    `,
    // An absent field stays as it is; description: null clears it.
    variables: ({ params, body }) => ({
      org: params.organization_id,
      role: params.role_id,
      name: body.name ?? null,
      ...(body.description !== undefined ? { description: body.description } : {}),
      permissions: body.permissions ?? null,
    }),
    response: {
      status: 200,
      description: 'Role updated successfully',
      schema: dataResponseSchema(roleSchema),
      body: (data) => dataResponse(roleBody(data.updateRole)),
    },
    errors: [400, 403, 404],
  }),
];
