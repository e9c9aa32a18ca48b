import { defineProjection } from '@seren/event-store';
import type { OrganizationEvent } from './organization.js';

/** `organizations`, `members`, `invites` and `roles` (custom ones; built-ins live in code). */
export const organizationsProjection = defineProjection<OrganizationEvent>({
  name: 'organizations',
  handles: [
    'OrganizationCreated',
    'MemberAdded',
    'MemberRoleChanged',
    'InviteCreated',
    'InviteAccepted',
    'RoleCreated',
    'RoleUpdated',
    'RoleDeleted',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'OrganizationCreated': {
        const d = event.data;
        await manager.query(
          `insert into organizations (id, kind, name, parent_id, owner_user_id, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)`,
          [d.organizationId, d.kind, d.name, d.parentOrganizationId, d.ownerUserId, d.createdAt],
        );
        return;
      }
      case 'MemberAdded': {
        const d = event.data;
        await manager.query(
          `insert into members (organization_id, user_id, role_id, joined_at) values ($1, $2, $3, $4)
           on conflict (organization_id, user_id) do update set role_id = excluded.role_id`,
          [d.organizationId, d.userId, d.roleId, d.addedAt],
        );
        return;
      }
      case 'MemberRoleChanged':
        await manager.query(`update members set role_id = $3 where organization_id = $1 and user_id = $2`, [
          event.data.organizationId,
          event.data.userId,
          event.data.roleId,
        ]);
        return;
      case 'InviteCreated': {
        const d = event.data;
        await manager.query(
          `insert into invites (id, organization_id, email, role_id, status, invited_by, created_at, expires_at)
           values ($1, $2, $3, $4, 'pending', $5, $6, $7)`,
          [d.inviteId, d.organizationId, d.email, d.roleId, d.invitedBy, d.createdAt, d.expiresAt],
        );
        return;
      }
      case 'InviteAccepted':
        await manager.query(
          `update invites set status = 'accepted', accepted_at = $2, accepted_by = $3 where id = $1`,
          [event.data.inviteId, event.data.acceptedAt, event.data.userId],
        );
        return;
      case 'RoleCreated': {
        const d = event.data;
        await manager.query(
          `insert into roles (id, organization_id, name, description, permissions, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6)`,
          [d.roleId, d.organizationId, d.name, d.description, d.permissions, d.createdAt],
        );
        return;
      }
      case 'RoleUpdated': {
        const d = event.data;
        await manager.query(
          `update roles set name = $2, description = $3, permissions = $4, updated_at = $5 where id = $1`,
          [d.roleId, d.name, d.description, d.permissions, d.updatedAt],
        );
        return;
      }
      case 'RoleDeleted':
        await manager.query(`delete from roles where id = $1`, [event.data.roleId]);
        return;
      default:
        return;
    }
  },
});
