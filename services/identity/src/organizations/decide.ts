import { conflict, forbidden, notFound, validationError } from '@seren/service-kit/errors';
import { organizationNameInput, permissionsInput, roleNameInput } from '@seren/contracts';
import { valid } from '../inputs.js';
import { builtinRole, isBuiltinRoleName } from '../roles/catalog.js';
import {
  evolveOrganization,
  initialOrganizationState,
  type OrganizationEvent,
  type OrganizationKind,
  type OrganizationState,
} from './organization.js';

export type OrganizationCommand =
  | {
      type: 'CreateOrganization';
      organizationId: string;
      kind: OrganizationKind;
      name: string;
      parentOrganizationId: string | null;
      ownerUserId: string;
      now: string;
    }
  | {
      type: 'CreateInvite';
      inviteId: string;
      email: string;
      roleId: string;
      invitedBy: string;
      now: string;
      expiresAt: string;
    }
  | {
      type: 'AcceptInvite';
      inviteId: string;
      userId: string;
      /** the accepting user's address if verified, else null: an invite is for its addressee only */
      verifiedEmail: string | null;
      now: string;
    }
  | { type: 'AssignRole'; userId: string; roleId: string; now: string }
  | {
      type: 'CreateRole';
      roleId: string;
      name: string;
      description: string | null;
      permissions: string[];
      now: string;
    }
  | {
      type: 'UpdateRole';
      roleId: string;
      name?: string;
      description?: string | null;
      permissions?: string[];
      now: string;
    }
  | { type: 'DeleteRole'; roleId: string; now: string };

type Active = Extract<OrganizationState, { status: 'active' }>;

/** True when the role exists in this organization: a built-in one or one of its custom roles. */
export const roleExists = (state: Active, roleId: string) =>
  Boolean(builtinRole(roleId) ?? state.roles[roleId]);

function checkRoleFields(state: Active, roleId: string, name: string, permissions: string[]) {
  const trimmed = valid(roleNameInput, name, 'name');
  if (isBuiltinRoleName(trimmed))
    throw validationError(`"${trimmed}" is a built-in role name`, { field: 'name' });
  const clash = Object.entries(state.roles).find(
    ([id, r]) => id !== roleId && r.name.toLowerCase() === trimmed.toLowerCase(),
  );
  if (clash) throw validationError(`a role named "${trimmed}" already exists`, { field: 'name' });
  valid(permissionsInput, permissions, 'permissions');
  return trimmed;
}

export function decideOrganization(
  command: OrganizationCommand,
  state: OrganizationState,
): OrganizationEvent[] {
  if (command.type === 'CreateOrganization') {
    if (state.status !== 'none') throw conflict('organization already exists');
    const { organizationId, kind, parentOrganizationId, ownerUserId, now } = command;
    const name = valid(organizationNameInput, command.name, 'name');
    return [
      {
        type: 'OrganizationCreated',
        data: { organizationId, kind, name, parentOrganizationId, ownerUserId, createdAt: now },
      },
      {
        type: 'MemberAdded',
        data: { organizationId, userId: ownerUserId, roleId: 'owner', inviteId: null, addedAt: now },
      },
    ];
  }
  if (state.status === 'none') throw notFound('organization');
  const organizationId = state.organizationId;

  switch (command.type) {
    case 'CreateInvite': {
      if (state.kind === 'personal')
        throw validationError('a personal organization cannot have other members');
      if (!roleExists(state, command.roleId)) throw notFound('role');
      if (command.roleId === 'owner')
        throw validationError('invitees cannot be made owners', { field: 'role' });
      const { inviteId, email, roleId, invitedBy, now, expiresAt } = command;
      return [
        {
          type: 'InviteCreated',
          data: { organizationId, inviteId, email, roleId, invitedBy, createdAt: now, expiresAt },
        },
      ];
    }
    case 'AcceptInvite': {
      const invite = state.invites[command.inviteId];
      if (!invite || invite.status !== 'pending' || invite.expiresAt <= command.now) {
        throw validationError('invalid or expired invite', { reason: 'TOKEN_INVALID' });
      }
      // the token alone is not enough: a forwarded or leaked link must not admit someone else
      if (
        !command.verifiedEmail ||
        command.verifiedEmail.trim().toLowerCase() !== invite.email.trim().toLowerCase()
      ) {
        throw forbidden('this invite is for another email address; sign in with its verified address', {
          reason: 'INVITE_EMAIL_MISMATCH',
        });
      }
      const accepted: OrganizationEvent = {
        type: 'InviteAccepted',
        data: { organizationId, inviteId: command.inviteId, userId: command.userId, acceptedAt: command.now },
      };
      if (state.members[command.userId]) return [accepted];
      // the invite's role may have been deleted since; the default member role stands in
      const roleId = roleExists(state, invite.roleId) ? invite.roleId : 'viewer';
      return [
        accepted,
        {
          type: 'MemberAdded',
          data: {
            organizationId,
            userId: command.userId,
            roleId,
            inviteId: command.inviteId,
            addedAt: command.now,
          },
        },
      ];
    }
    case 'AssignRole': {
      const previousRoleId = state.members[command.userId];
      if (!previousRoleId) throw notFound('member');
      if (!roleExists(state, command.roleId)) throw notFound('role');
      if (previousRoleId === command.roleId) return [];
      if (previousRoleId === 'owner') {
        const owners = Object.values(state.members).filter((r) => r === 'owner').length;
        if (owners <= 1) throw validationError('the last owner cannot be given another role');
      }
      return [
        {
          type: 'MemberRoleChanged',
          data: {
            organizationId,
            userId: command.userId,
            roleId: command.roleId,
            previousRoleId,
            changedAt: command.now,
          },
        },
      ];
    }
    case 'CreateRole': {
      if (state.roles[command.roleId]) throw conflict('role already exists');
      const permissions = [...new Set(command.permissions)];
      const name = checkRoleFields(state, command.roleId, command.name, permissions);
      return [
        {
          type: 'RoleCreated',
          data: {
            organizationId,
            roleId: command.roleId,
            name,
            description: command.description,
            permissions,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'UpdateRole': {
      if (builtinRole(command.roleId))
        throw validationError('cannot modify a built-in role', { reason: 'BUILTIN_ROLE' });
      const role = state.roles[command.roleId];
      if (!role) throw notFound('role');
      const permissions = [...new Set(command.permissions ?? role.permissions)];
      const name = checkRoleFields(state, command.roleId, command.name ?? role.name, permissions);
      const description = command.description === undefined ? role.description : command.description;
      if (name === role.name && description === role.description && sameSet(permissions, role.permissions))
        return [];
      return [
        {
          type: 'RoleUpdated',
          data: {
            organizationId,
            roleId: command.roleId,
            name,
            description,
            permissions,
            updatedAt: command.now,
          },
        },
      ];
    }
    case 'DeleteRole': {
      if (builtinRole(command.roleId))
        throw validationError('cannot delete a built-in role', { reason: 'BUILTIN_ROLE' });
      if (!state.roles[command.roleId]) throw notFound('role');
      if (Object.values(state.members).includes(command.roleId)) {
        throw validationError('the role is assigned to members; give them another role first', {
          reason: 'ROLE_IN_USE',
        });
      }
      return [
        { type: 'RoleDeleted', data: { organizationId, roleId: command.roleId, deletedAt: command.now } },
      ];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export const organizationDecider = {
  streamType: 'organization',
  initialState: initialOrganizationState,
  evolve: evolveOrganization,
  decide: decideOrganization,
};
