import { z } from 'zod';
import type { GraphQLFormattedError } from 'graphql';
import { route, dataResponse, dataResponseSchema } from './route.js';
import type { RestError } from '../types.js';

// SerenAI "Organizations" (identity): list, members, invites. Shapes shared by identity's other
// SerenAI sections live here too (organization, member, role reference).

export const ORGANIZATION_FIELDS = /* GraphQL */ `
  fragment OrganizationFields on Organization {
    id
    name
    kind
    parent {
      id
    }
    ownerId
    createdAt
  }
`;

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['personal', 'team', 'agency', 'location']),
  parent_id: z.string().nullable(),
  owner_id: z.string().nullable(),
  created_at: z.string(),
});

interface OrganizationData {
  id: string;
  name: string;
  kind: string;
  parent: { id: string } | null;
  ownerId: string | null;
  createdAt: string;
}

export const organizationBody = (o: OrganizationData) => ({
  id: o.id,
  name: o.name,
  kind: o.kind.toLowerCase(),
  parent_id: o.parent?.id ?? null,
  owner_id: o.ownerId,
  created_at: o.createdAt,
});

export const MEMBER_FIELDS = /* GraphQL */ `
  fragment MemberFields on Member {
    id
    organizationId
    joinedAt
    role {
      id
      name
    }
    user {
      id
      email
      name
    }
  }
`;

export const memberSchema = z.object({
  user_id: z.string(),
  organization_id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  role: z.string(),
  role_id: z.string(),
  joined_at: z.string(),
});

interface MemberData {
  id: string;
  organizationId: string;
  joinedAt: string;
  role: { id: string; name: string };
  user: { id: string; email: string | null; name: string };
}

export const memberBody = (m: MemberData) => ({
  user_id: m.id,
  organization_id: m.organizationId,
  email: m.user.email,
  name: m.user.name,
  role: m.role.name,
  role_id: m.role.id,
  joined_at: m.joinedAt,
});

const INVITE_FIELDS = /* GraphQL */ `
  fragment InviteFields on Invite {
    id
    organizationId
    email
    status
    invitedBy
    createdAt
    expiresAt
    acceptedAt
    role {
      id
      name
    }
  }
`;

const inviteSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  email: z.string(),
  role: z.string(),
  role_id: z.string(),
  status: z.enum(['pending', 'accepted', 'expired']),
  invited_by: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
});

interface InviteData {
  id: string;
  organizationId: string;
  email: string;
  status: string;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  role: { id: string; name: string };
}

const inviteBody = (i: InviteData) => ({
  id: i.id,
  organization_id: i.organizationId,
  email: i.email,
  role: i.role.name,
  role_id: i.role.id,
  status: i.status.toLowerCase(),
  invited_by: i.invitedBy,
  created_at: i.createdAt,
  expires_at: i.expiresAt,
  accepted_at: i.acceptedAt,
});

export const orgParams = z.object({ organization_id: z.string().min(1) });

/** `default` for a caller without organization: the spec's 400 "User has no organization". */
export function noOrganizationAs400(error: GraphQLFormattedError): RestError | undefined {
  if (error.extensions?.reason === 'NO_ORGANIZATION')
    return { status: 400, code: 'NO_ORGANIZATION', message: 'User has no organization' };
  return undefined;
}

export const organizationsRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations',
    section: 'organizations',
    summary: 'List all organizations for the authenticated user',
    auth: 'required',
    rateLimit: 'general',
    operation: /* GraphQL */ `
      query SerenaiListOrganizations {
        organizations {
          ...OrganizationFields
        }
      }
      ${ORGANIZATION_FIELDS}
    `,
    response: {
      status: 200,
      description: 'List of organizations',
      schema: dataResponseSchema(z.array(organizationSchema)),
      body: (data) => dataResponse(data.organizations.map(organizationBody)),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/invites',
    section: 'organizations',
    summary: 'List pending and historical organization invites',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgParams },
    operation: /* GraphQL */ `
      query SerenaiListInvites($org: ID!) {
        invites(organizationId: $org) {
          ...InviteFields
        }
      }
      ${INVITE_FIELDS}
    `,
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Organization invites retrieved',
      schema: dataResponseSchema(z.array(inviteSchema)),
      body: (data) => dataResponse(data.invites.map(inviteBody)),
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
      params: orgParams,
      body: z.object({ email: z.string().min(1), role: z.string().nullish() }),
    },
    operation: /* GraphQL */ `
      mutation SerenaiCreateInvite($org: ID!, $email: String!, $role: String) {
        createInvite(organizationId: $org, email: $email, role: $role) {
          ...InviteFields
        }
      }
      ${INVITE_FIELDS}
    `,
    variables: ({ params, body }) => ({
      org: params.organization_id,
      email: body.email,
      role: body.role ?? null,
    }),
    response: {
      status: 201,
      description: 'Invite created and email sent',
      schema: dataResponseSchema(inviteSchema),
      body: (data) => dataResponse(inviteBody(data.createInvite)),
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
    request: { params: orgParams },
    operation: /* GraphQL */ `
      query SerenaiListMembers($org: ID!) {
        members(organizationId: $org) {
          ...MemberFields
        }
      }
      ${MEMBER_FIELDS}
    `,
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Organization members retrieved',
      schema: dataResponseSchema(z.array(memberSchema)),
      body: (data) => dataResponse(data.members.map(memberBody)),
    },
    errors: [403],
  }),
];
