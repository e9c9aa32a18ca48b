import { permissionsInput, roleNameInput } from '@seren/contracts';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { MemberFields, memberSchema, memberToRest } from './shapes/member.js';
import { organizationParams as orgParams } from './shapes/organization.js';
import { RoleFields, roleSchema, roleToRest } from './shapes/role.js';

// SerenAI "RBAC" roles (identity): built-in roles (owner, admin, editor, viewer; read-only) and
// custom roles per organization, and assigning a role to a member.

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
      // Either role_id or role_name: identity's rule (400 VALIDATION_ERROR), the same over GraphQL.
      body: z.object({ role_id: z.string().nullish(), role_name: z.string().nullish() }),
    },
    operation: graphql(
      `
        mutation SerenaiAssignRole($org: ID!, $member: ID!, $roleId: ID, $roleName: String) {
          assignRole(organizationId: $org, memberId: $member, roleId: $roleId, roleName: $roleName) {
            ...MemberFields
          }
        }
      `,
      [MemberFields],
    ),
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
      body: (data) => dataResponse(memberToRest(data.assignRole)),
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
    operation: graphql(
      `
        query SerenaiListRoles($org: ID!) {
          roles(organizationId: $org) {
            ...RoleFields
          }
        }
      `,
      [RoleFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Roles retrieved successfully',
      schema: dataResponseSchema(z.array(roleSchema)),
      body: (data) => dataResponse(data.roles.map(roleToRest)),
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
        name: roleNameInput,
        description: z.string().nullish(),
        permissions: permissionsInput,
      }),
    },
    operation: graphql(
      `
        mutation SerenaiCreateRole(
          $org: ID!
          $name: String!
          $description: String
          $permissions: [String!]!
        ) {
          createRole(
            organizationId: $org
            name: $name
            description: $description
            permissions: $permissions
          ) {
            ...RoleFields
          }
        }
      `,
      [RoleFields],
    ),
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
      body: (data) => dataResponse(roleToRest(data.createRole)),
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
    operation: graphql(
      `
        query SerenaiGetRole($org: ID!, $role: ID!) {
          role(organizationId: $org, roleId: $role) {
            ...RoleFields
          }
        }
      `,
      [RoleFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id, role: params.role_id }),
    response: {
      status: 200,
      description: 'Role retrieved successfully',
      schema: dataResponseSchema(roleSchema),
      body: (data) => dataResponse(roleToRest(data.role)),
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
    operation: graphql(
      'mutation SerenaiDeleteRole($org: ID!, $role: ID!) { deleteRole(organizationId: $org, roleId: $role) }',
    ),
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
        name: roleNameInput.nullish(),
        description: z.string().nullish(),
        permissions: permissionsInput.nullish(),
      }),
    },
    operation: graphql(
      `
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
      `,
      [RoleFields],
    ),
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
      body: (data) => dataResponse(roleToRest(data.updateRole)),
    },
    errors: [400, 403, 404],
  }),
];
