import { specOf } from '@seren/testing';
import { organizationDecider } from './decide';
import type { OrganizationEvent } from './organization';

const given = specOf(organizationDecider);
const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-02T00:00:00.000Z';
const LATE = '2025-02-01T00:00:00.000Z';

const created: OrganizationEvent = {
  type: 'OrganizationCreated',
  data: {
    organizationId: 'o1',
    kind: 'team',
    name: 'Acme',
    parentOrganizationId: null,
    ownerUserId: 'u1',
    createdAt: T0,
  },
};
const owner: OrganizationEvent = {
  type: 'MemberAdded',
  data: { organizationId: 'o1', userId: 'u1', roleId: 'owner', inviteId: null, addedAt: T0 },
};
const invited: OrganizationEvent = {
  type: 'InviteCreated',
  data: {
    organizationId: 'o1',
    inviteId: 'i1',
    email: 'bob@example.com',
    roleId: 'editor',
    invitedBy: 'u1',
    createdAt: T0,
    expiresAt: '2025-01-08T00:00:00.000Z',
  },
};
const bob: OrganizationEvent = {
  type: 'MemberAdded',
  data: { organizationId: 'o1', userId: 'u2', roleId: 'editor', inviteId: 'i1', addedAt: T1 },
};
const roleCreated: OrganizationEvent = {
  type: 'RoleCreated',
  data: {
    organizationId: 'o1',
    roleId: 'r1',
    name: 'Billing',
    description: null,
    permissions: ['billing.read'],
    createdAt: T0,
  },
};

describe('organization decider', () => {
  it('creates an organization with its creator as owner', () =>
    given([])
      .when({
        type: 'CreateOrganization',
        organizationId: 'o1',
        kind: 'team',
        name: ' Acme ',
        parentOrganizationId: null,
        ownerUserId: 'u1',
        now: T0,
      })
      .then([created, owner]));

  it('invites and accepts: the invitee becomes a member with the invite role', () => {
    given([created, owner])
      .when({
        type: 'CreateInvite',
        inviteId: 'i1',
        email: 'bob@example.com',
        roleId: 'editor',
        invitedBy: 'u1',
        now: T0,
        expiresAt: '2025-01-08T00:00:00.000Z',
      })
      .then([invited]);
    given([created, owner, invited])
      .when({
        type: 'AcceptInvite',
        inviteId: 'i1',
        userId: 'u2',
        verifiedEmail: 'Bob@Example.com',
        now: T1,
      })
      .then([
        {
          type: 'InviteAccepted',
          data: { organizationId: 'o1', inviteId: 'i1', userId: 'u2', acceptedAt: T1 },
        },
        bob,
      ]);
  });

  it('refuses an invite to anyone but its verified addressee (INVITE_EMAIL_MISMATCH)', () => {
    for (const verifiedEmail of [null, 'mallory@example.com'])
      given([created, owner, invited])
        .when({ type: 'AcceptInvite', inviteId: 'i1', userId: 'u4', verifiedEmail, now: T1 })
        .thenThrows({ code: 'FORBIDDEN', reason: 'INVITE_EMAIL_MISMATCH' });
  });

  it('refuses an expired or used invite, and owner invites', () => {
    given([created, owner, invited])
      .when({
        type: 'AcceptInvite',
        inviteId: 'i1',
        userId: 'u2',
        verifiedEmail: 'bob@example.com',
        now: LATE,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([
      created,
      owner,
      invited,
      {
        type: 'InviteAccepted',
        data: { organizationId: 'o1', inviteId: 'i1', userId: 'u2', acceptedAt: T1 },
      },
    ])
      .when({
        type: 'AcceptInvite',
        inviteId: 'i1',
        userId: 'u3',
        verifiedEmail: 'bob@example.com',
        now: T1,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([created, owner])
      .when({
        type: 'CreateInvite',
        inviteId: 'i2',
        email: 'x@example.com',
        roleId: 'owner',
        invitedBy: 'u1',
        now: T0,
        expiresAt: LATE,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('personal organizations take no invites', () =>
    given([{ ...created, data: { ...created.data, kind: 'personal' } }, owner])
      .when({
        type: 'CreateInvite',
        inviteId: 'i1',
        email: 'bob@example.com',
        roleId: 'editor',
        invitedBy: 'u1',
        now: T0,
        expiresAt: LATE,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  it('assigns a role; the last owner keeps theirs', () => {
    given([created, owner, invited, bob])
      .when({ type: 'AssignRole', userId: 'u2', roleId: 'admin', now: T1 })
      .then([
        {
          type: 'MemberRoleChanged',
          data: {
            organizationId: 'o1',
            userId: 'u2',
            roleId: 'admin',
            previousRoleId: 'editor',
            changedAt: T1,
          },
        },
      ]);
    given([created, owner])
      .when({ type: 'AssignRole', userId: 'u1', roleId: 'viewer', now: T1 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([created, owner])
      .when({ type: 'AssignRole', userId: 'u9', roleId: 'viewer', now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
    given([created, owner, bob])
      .when({ type: 'AssignRole', userId: 'u2', roleId: 'nope', now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
  });

  it('creates custom roles with catalog permissions and unique names', () => {
    given([created, owner])
      .when({
        type: 'CreateRole',
        roleId: 'r1',
        name: 'Billing',
        description: null,
        permissions: ['billing.read', 'billing.read'],
        now: T0,
      })
      .then([roleCreated]);
    given([created, owner, roleCreated])
      .when({
        type: 'CreateRole',
        roleId: 'r2',
        name: 'billing',
        description: null,
        permissions: [],
        now: T0,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([created, owner])
      .when({ type: 'CreateRole', roleId: 'r2', name: 'Admin', description: null, permissions: [], now: T0 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([created, owner])
      .when({
        type: 'CreateRole',
        roleId: 'r2',
        name: 'X',
        description: null,
        permissions: ['launch.missiles'],
        now: T0,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('built-in roles can be neither updated nor deleted', () => {
    given([created, owner])
      .when({ type: 'UpdateRole', roleId: 'admin', name: 'Boss', now: T1 })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'BUILTIN_ROLE' });
    given([created, owner])
      .when({ type: 'DeleteRole', roleId: 'viewer', now: T1 })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'BUILTIN_ROLE' });
  });

  it('updates and deletes custom roles; a role in use stays', () => {
    given([created, owner, roleCreated])
      .when({ type: 'UpdateRole', roleId: 'r1', permissions: ['billing.read', 'billing.manage'], now: T1 })
      .then([
        {
          type: 'RoleUpdated',
          data: {
            organizationId: 'o1',
            roleId: 'r1',
            name: 'Billing',
            description: null,
            permissions: ['billing.read', 'billing.manage'],
            updatedAt: T1,
          },
        },
      ]);
    given([created, owner, roleCreated])
      .when({ type: 'UpdateRole', roleId: 'r1', name: 'Billing', now: T1 })
      .thenNothing();
    given([created, owner, roleCreated])
      .when({ type: 'DeleteRole', roleId: 'r1', now: T1 })
      .then([{ type: 'RoleDeleted', data: { organizationId: 'o1', roleId: 'r1', deletedAt: T1 } }]);
    given([created, owner, roleCreated, { ...bob, data: { ...bob.data, roleId: 'r1' } }])
      .when({ type: 'DeleteRole', roleId: 'r1', now: T1 })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'ROLE_IN_USE' });
    given([created, owner])
      .when({ type: 'DeleteRole', roleId: 'r9', now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
