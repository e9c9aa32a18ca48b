import type {
  EventOf,
  InviteAccepted,
  InviteCreated,
  MemberAdded,
  MemberRoleChanged,
  OrganizationCreated,
  RoleCreated,
  RoleDeleted,
  RoleUpdated,
} from '@seren/contracts';

export type OrganizationEvent = EventOf<
  [
    typeof OrganizationCreated,
    typeof MemberAdded,
    typeof MemberRoleChanged,
    typeof InviteCreated,
    typeof InviteAccepted,
    typeof RoleCreated,
    typeof RoleUpdated,
    typeof RoleDeleted,
  ]
>;

export type OrganizationKind = 'personal' | 'team' | 'agency' | 'location';

export const organizationStream = (organizationId: string) => `organization-${organizationId}`;

export interface CustomRole {
  name: string;
  description: string | null;
  permissions: string[];
}

export interface InviteState {
  email: string;
  roleId: string;
  status: 'pending' | 'accepted';
  expiresAt: string;
}

export type OrganizationState =
  | { status: 'none' }
  | {
      status: 'active';
      organizationId: string;
      kind: OrganizationKind;
      name: string;
      parentOrganizationId: string | null;
      ownerUserId: string;
      /** user id → role id */
      members: Record<string, string>;
      invites: Record<string, InviteState>;
      roles: Record<string, CustomRole>;
    };

export const initialOrganizationState = (): OrganizationState => ({ status: 'none' });

export function evolveOrganization(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  if (event.type === 'OrganizationCreated') {
    const d = event.data;
    return {
      status: 'active',
      organizationId: d.organizationId,
      kind: d.kind,
      name: d.name,
      parentOrganizationId: d.parentOrganizationId,
      ownerUserId: d.ownerUserId,
      members: {},
      invites: {},
      roles: {},
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'MemberAdded':
    case 'MemberRoleChanged':
      return { ...state, members: { ...state.members, [event.data.userId]: event.data.roleId } };
    case 'InviteCreated': {
      const { inviteId, email, roleId, expiresAt } = event.data;
      return {
        ...state,
        invites: { ...state.invites, [inviteId]: { email, roleId, expiresAt, status: 'pending' } },
      };
    }
    case 'InviteAccepted': {
      const invite = state.invites[event.data.inviteId];
      if (!invite) return state;
      return {
        ...state,
        invites: { ...state.invites, [event.data.inviteId]: { ...invite, status: 'accepted' } },
      };
    }
    case 'RoleCreated':
    case 'RoleUpdated': {
      const { roleId, name, description, permissions } = event.data;
      return { ...state, roles: { ...state.roles, [roleId]: { name, description, permissions } } };
    }
    case 'RoleDeleted': {
      const { [event.data.roleId]: _deleted, ...roles } = state.roles;
      return { ...state, roles };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
