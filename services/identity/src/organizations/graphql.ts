import { resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { IdentityLoaders } from '../loaders.js';
import type { Identity } from '../platform/app.js';
import { upper } from '../platform/graphql.js';
import { findRole } from '../roles/service.js';
import { membershipOf } from './access.js';
import {
  acceptInvite,
  assignRole,
  childrenOf,
  createInvite,
  createOrganization,
  findOrganization,
  getOrganization,
  listInvites,
  listMembers,
  listOrganizations,
  type InviteView,
  type MemberView,
  type OrganizationView,
} from './service.js';

type Context = RequestContext<IdentityLoaders>;

export function organizationsResolvers(identity: Identity): Resolvers {
  return {
    Query: {
      organizations: resolver(identity, (i, request) => listOrganizations(i, request)),
      organization: resolver<{ id: string }>(identity, (i, request, args) =>
        getOrganization(i, request, args.id),
      ),
      members: resolver<{ organizationId: string }>(identity, (i, request, args) =>
        listMembers(i, request, args.organizationId),
      ),
      invites: resolver<{ organizationId: string }>(identity, (i, request, args) =>
        listInvites(i, request, args.organizationId),
      ),
    },
    Mutation: {
      createOrganization: resolver<{ name: string }>(identity, (i, request, args) =>
        createOrganization(i, request, { name: args.name, kind: 'team' }),
      ),
      createAgency: resolver<{ name: string }>(identity, (i, request, args) =>
        createOrganization(i, request, { name: args.name, kind: 'agency' }),
      ),
      createLocation: resolver<{ agencyId: string; name: string }>(identity, (i, request, args) =>
        createOrganization(i, request, { name: args.name, kind: 'location', parentId: args.agencyId }),
      ),
      createInvite: resolver<{ organizationId: string; email: string; role?: string | null }>(
        identity,
        (i, request, args) =>
          createInvite(i, request, args.organizationId, { email: args.email, role: args.role }),
      ),
      acceptInvite: resolver<{ token: string }>(identity, (i, request, args) =>
        acceptInvite(i, request, args.token),
      ),
      assignRole: resolver<{
        organizationId: string;
        memberId: string;
        roleId?: string | null;
        roleName?: string | null;
      }>(identity, (i, request, args) =>
        assignRole(i, request, args.organizationId, args.memberId, {
          roleId: args.roleId,
          roleName: args.roleName,
        }),
      ),
    },
    Organization: {
      __resolveReference: (reference: { id: string }) => findOrganization(identity, reference.id),
      kind: (organization: OrganizationView) => upper(organization.kind),
      parent: (organization: OrganizationView) =>
        organization.parentId ? findOrganization(identity, organization.parentId) : null,
      children: (organization: OrganizationView) => childrenOf(identity, organization.id),
      myRole: resolver<unknown, OrganizationView>(identity, async (i, request, _args, organization) => {
        if (!request.caller.subject) return null;
        const membership = await membershipOf(i, request.caller.subject, organization.id);
        return membership ? findRole(i, membership.via ?? organization.id, membership.roleId) : null;
      }),
    },
    // A list of members or invites reads its users and roles through the request's loaders: one
    // query per kind, not one per row.
    Member: {
      id: (member: MemberView) => member.userId,
      user: (member: MemberView, _args: unknown, context: Context) =>
        context.loaders.user.load(member.userId),
      role: (member: MemberView, _args: unknown, context: Context) =>
        context.loaders.role.load({ organizationId: member.organizationId, roleId: member.roleId }),
    },
    Invite: {
      role: (invite: InviteView, _args: unknown, context: Context) =>
        context.loaders.role.load({ organizationId: invite.organizationId, roleId: invite.roleId }),
      status: (invite: InviteView) => upper(invite.status),
    },
  };
}
