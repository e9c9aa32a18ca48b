import { z } from 'zod';
import { defineEvent } from '../define.js';

// Identity's events. No event ever carries a secret: passwords, API key secrets, refresh tokens,
// one-time tokens and recovery codes appear only as hashes inside identity's own tables, never
// here. Events name such things by id (a token id, a refresh-token id) only.
//
// Streams: `user-<id>` (aggregate user), `session-<id>` (session), `organization-<id>`
// (organization: members, invites, custom roles), `api-key-<id>` (api_key).

const id = z.string().min(1);
const at = z.iso.datetime();

// ---- user ------------------------------------------------------------------------------------

export const UserRegistered = defineEvent({
  type: 'UserRegistered',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A person registered with email and password, or an agent registered itself.',
  schema: z.object({
    userId: id,
    kind: z.enum(['human', 'agent']),
    email: z.email().nullable(),
    name: z.string(),
    personalOrganizationId: id,
    registeredAt: at,
  }),
});

export const UserProfileUpdated = defineEvent({
  type: 'UserProfileUpdated',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A user changed their name or email; a new email is unverified until confirmed.',
  schema: z.object({
    userId: id,
    name: z.string().optional(),
    email: z.email().optional(),
    emailVerified: z.boolean(),
    updatedAt: at,
  }),
});

export const EmailVerificationRequested = defineEvent({
  type: 'EmailVerificationRequested',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description:
    'A verification link was mailed to `email`; only the newest link of a user is valid. For an agent changing its address, `email` is the new, pending address: the account keeps its old one until the link is followed.',
  schema: z.object({ userId: id, tokenId: id, email: z.email(), requestedAt: at, expiresAt: at }),
});

export const UserEmailVerified = defineEvent({
  type: 'UserEmailVerified',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description:
    "A user followed a verification link: `email` is verified, and becomes the account's address when it was a pending new one.",
  schema: z.object({ userId: id, email: z.email(), tokenId: id, verifiedAt: at }),
});

export const PasswordResetRequested = defineEvent({
  type: 'PasswordResetRequested',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A password reset link was mailed; only the newest link of a user is valid.',
  schema: z.object({ userId: id, tokenId: id, requestedAt: at, expiresAt: at }),
});

export const UserPasswordChanged = defineEvent({
  type: 'UserPasswordChanged',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A user changed or reset their password (the hash is not part of the event).',
  schema: z.object({
    userId: id,
    reason: z.enum(['changed', 'reset']),
    resetTokenId: id.nullable(),
    changedAt: at,
  }),
});

export const UserLoginFailed = defineEvent({
  type: 'UserLoginFailed',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'Someone tried to log in to an existing account with a wrong password.',
  schema: z.object({ userId: id, reason: z.enum(['wrong_password']), failedAt: at }),
});

export const RecoveryCodeIssued = defineEvent({
  type: 'RecoveryCodeIssued',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description:
    'A wallet recovery code was issued (set up, or rotated by a recovery); the code itself never travels.',
  schema: z.object({ userId: id, codeId: id, reason: z.enum(['setup', 'rotated']), issuedAt: at }),
});

export const RecoveryEmailChanged = defineEvent({
  type: 'RecoveryEmailChanged',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'The contact email for human-assisted account recovery changed.',
  schema: z.object({ userId: id, email: z.email(), changedAt: at }),
});

export const AccountRecovered = defineEvent({
  type: 'AccountRecovered',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description:
    'An agent recovered its account with its recovery code: keys revoked, a new key and code issued.',
  schema: z.object({
    userId: id,
    usedCodeId: id,
    newCodeId: id,
    newApiKeyId: id,
    revokedApiKeyIds: z.array(id),
    recoveredAt: at,
  }),
});

// ---- session ---------------------------------------------------------------------------------

export const SessionStarted = defineEvent({
  type: 'SessionStarted',
  version: 1,
  domain: 'identity',
  aggregate: 'session',
  description: 'A user logged in; the session holds one refresh-token family.',
  schema: z.object({
    sessionId: id,
    userId: id,
    method: z.enum(['password', 'email_verification']),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    refreshTokenId: id,
    startedAt: at,
    expiresAt: at,
  }),
});

export const SessionRefreshed = defineEvent({
  type: 'SessionRefreshed',
  version: 1,
  domain: 'identity',
  aggregate: 'session',
  description: 'A refresh token was spent and replaced by the next one of its family.',
  schema: z.object({
    sessionId: id,
    userId: id,
    spentRefreshTokenId: id,
    refreshTokenId: id,
    refreshedAt: at,
    expiresAt: at,
  }),
});

export const SessionRevoked = defineEvent({
  type: 'SessionRevoked',
  version: 1,
  domain: 'identity',
  aggregate: 'session',
  description:
    'A session ended: logout, revocation, or reuse of a spent refresh token (the whole family dies).',
  schema: z.object({
    sessionId: id,
    userId: id,
    reason: z.enum(['revoked', 'revoked_all', 'revoked_others', 'refresh_token_reused', 'password_changed']),
    revokedAt: at,
  }),
});

// ---- organization ----------------------------------------------------------------------------

export const OrganizationCreated = defineEvent({
  type: 'OrganizationCreated',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'An organization was created: personal, a SerenAI team, a Serebro agency or location.',
  schema: z.object({
    organizationId: id,
    kind: z.enum(['personal', 'team', 'agency', 'location']),
    name: z.string(),
    parentOrganizationId: id.nullable(),
    ownerUserId: id,
    createdAt: at,
  }),
});

export const MemberAdded = defineEvent({
  type: 'MemberAdded',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'A user became a member of an organization with a role.',
  schema: z.object({ organizationId: id, userId: id, roleId: id, inviteId: id.nullable(), addedAt: at }),
});

export const MemberRoleChanged = defineEvent({
  type: 'MemberRoleChanged',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: "A member's role in an organization changed.",
  schema: z.object({ organizationId: id, userId: id, roleId: id, previousRoleId: id, changedAt: at }),
});

export const InviteCreated = defineEvent({
  type: 'InviteCreated',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'Someone was invited to an organization by email (the invite token never travels).',
  schema: z.object({
    organizationId: id,
    inviteId: id,
    email: z.email(),
    roleId: id,
    invitedBy: id,
    createdAt: at,
    expiresAt: at,
  }),
});

export const InviteAccepted = defineEvent({
  type: 'InviteAccepted',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'An invite was accepted; a MemberAdded follows in the same transaction.',
  schema: z.object({ organizationId: id, inviteId: id, userId: id, acceptedAt: at }),
});

const roleFields = {
  organizationId: id,
  roleId: id,
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
};

export const RoleCreated = defineEvent({
  type: 'RoleCreated',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'A custom role was created in an organization.',
  schema: z.object({ ...roleFields, createdAt: at }),
});

export const RoleUpdated = defineEvent({
  type: 'RoleUpdated',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'A custom role changed (the event carries its whole new state).',
  schema: z.object({ ...roleFields, updatedAt: at }),
});

export const RoleDeleted = defineEvent({
  type: 'RoleDeleted',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'A custom role was deleted.',
  schema: z.object({ organizationId: id, roleId: id, deletedAt: at }),
});

// ---- api key ---------------------------------------------------------------------------------

export const ApiKeyCreated = defineEvent({
  type: 'ApiKeyCreated',
  version: 1,
  domain: 'identity',
  aggregate: 'api_key',
  description: 'An API key was issued; only its visible prefix travels, never the secret.',
  schema: z.object({
    apiKeyId: id,
    organizationId: id,
    /** whom the key acts as */
    userId: id,
    /** the role whose permissions the key carries */
    roleId: id,
    name: z.string(),
    prefix: z.string(),
    createdBy: id.nullable(),
    createdAt: at,
    expiresAt: at.nullable(),
  }),
});

export const ApiKeyRevoked = defineEvent({
  type: 'ApiKeyRevoked',
  version: 1,
  domain: 'identity',
  aggregate: 'api_key',
  description: 'An API key was revoked and stops working at the gateway.',
  schema: z.object({
    apiKeyId: id,
    organizationId: id,
    reason: z.enum(['revoked', 'wallet_recovered']),
    revokedBy: id.nullable(),
    revokedAt: at,
  }),
});

export const identityEvents = [
  UserRegistered,
  UserProfileUpdated,
  EmailVerificationRequested,
  UserEmailVerified,
  PasswordResetRequested,
  UserPasswordChanged,
  UserLoginFailed,
  RecoveryCodeIssued,
  RecoveryEmailChanged,
  AccountRecovered,
  SessionStarted,
  SessionRefreshed,
  SessionRevoked,
  OrganizationCreated,
  MemberAdded,
  MemberRoleChanged,
  InviteCreated,
  InviteAccepted,
  RoleCreated,
  RoleUpdated,
  RoleDeleted,
  ApiKeyCreated,
  ApiKeyRevoked,
] as const;
