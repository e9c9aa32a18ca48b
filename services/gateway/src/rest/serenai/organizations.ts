import { emailInput } from '@seren/contracts';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { InviteFields, inviteSchema, inviteToRest } from './shapes/invite.js';
import { MemberFields, memberSchema, memberToRest } from './shapes/member.js';
import {
  OrganizationFields,
  organizationParams,
  organizationSchema,
  organizationToRest,
} from './shapes/organization.js';

// SerenAI "Organizations" (identity): list, members, invites.

export const organizationsRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations',
    section: 'organizations',
    summary: 'List all organizations for the authenticated user',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiListOrganizations {
          organizations {
            ...OrganizationFields
          }
        }
      `,
      [OrganizationFields],
    ),
    response: {
      status: 200,
      description: 'List of organizations',
      schema: dataResponseSchema(z.array(organizationSchema)),
      body: (data) => dataResponse(data.organizations.map(organizationToRest)),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/invites',
    section: 'organizations',
    summary: 'List pending and historical organization invites',
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams },
    operation: graphql(
      `
        query SerenaiListInvites($org: ID!) {
          invites(organizationId: $org) {
            ...InviteFields
          }
        }
      `,
      [InviteFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Organization invites retrieved',
      schema: dataResponseSchema(z.array(inviteSchema)),
      body: (data) => dataResponse(data.invites.map(inviteToRest)),
    },
    errors: [403],
  }),
  route.operation({
    method: 'POST',
    path: '/organizations/{organization_id}/invites',
    section: 'organizations',
    summary: 'Create an organization invite and send it by email',
    description: 'The invite token travels only in the mail; it is never returned.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: organizationParams,
      body: z.object({ email: emailInput, role: z.string().nullish() }),
    },
    operation: graphql(
      `
        mutation SerenaiCreateInvite($org: ID!, $email: String!, $role: String) {
          createInvite(organizationId: $org, email: $email, role: $role) {
            ...InviteFields
          }
        }
      `,
      [InviteFields],
    ),
    variables: ({ params, body }) => ({
      org: params.organization_id,
      email: body.email,
      role: body.role ?? null,
    }),
    response: {
      status: 201,
      description: 'Invite created and email sent',
      schema: dataResponseSchema(inviteSchema),
      body: (data) => dataResponse(inviteToRest(data.createInvite)),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/members',
    section: 'organizations',
    summary: 'List organization members with basic user details',
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams },
    operation: graphql(
      `
        query SerenaiListMembers($org: ID!) {
          members(organizationId: $org) {
            ...MemberFields
          }
        }
      `,
      [MemberFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Organization members retrieved',
      schema: dataResponseSchema(z.array(memberSchema)),
      body: (data) => dataResponse(data.members.map(memberToRest)),
    },
    errors: [403],
  }),
];
