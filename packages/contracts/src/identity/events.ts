import { z } from 'zod';
import { defineEvent } from '../define.js';

// Identity's events. No event ever carries a secret: passwords, API key secrets, refresh tokens
// and recovery codes appear only as hashes inside identity's own tables, never here.

const id = z.string().min(1);
const at = z.iso.datetime();

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
  }),
});

export const UserEmailVerified = defineEvent({
  type: 'UserEmailVerified',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A user confirmed their email address.',
  schema: z.object({ userId: id, email: z.email(), verifiedAt: at }),
});

export const UserPasswordChanged = defineEvent({
  type: 'UserPasswordChanged',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A user changed or reset their password (the hash is not part of the event).',
  schema: z.object({ userId: id, reason: z.enum(['changed', 'reset']), changedAt: at }),
});

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
  schema: z.object({ organizationId: id, memberId: id, userId: id, roleId: id, addedAt: at }),
});

export const MemberRoleChanged = defineEvent({
  type: 'MemberRoleChanged',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: "A member's role in an organization changed.",
  schema: z.object({ organizationId: id, memberId: id, roleId: id }),
});

export const ApiKeyCreated = defineEvent({
  type: 'ApiKeyCreated',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'An API key was issued; only its visible prefix travels, never the secret.',
  schema: z.object({
    organizationId: id,
    apiKeyId: id,
    name: z.string(),
    prefix: z.string(),
    expiresAt: at.nullable(),
    createdBy: id.nullable(),
  }),
});

export const ApiKeyRevoked = defineEvent({
  type: 'ApiKeyRevoked',
  version: 1,
  domain: 'identity',
  aggregate: 'organization',
  description: 'An API key was revoked and stops working at the gateway.',
  schema: z.object({ organizationId: id, apiKeyId: id, revokedAt: at }),
});

export const SessionStarted = defineEvent({
  type: 'SessionStarted',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A user logged in; a session holds its refresh-token family.',
  schema: z.object({
    userId: id,
    sessionId: id,
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    expiresAt: at,
  }),
});

export const SessionRevoked = defineEvent({
  type: 'SessionRevoked',
  version: 1,
  domain: 'identity',
  aggregate: 'user',
  description: 'A session ended: logout, revocation, or reuse of a spent refresh token.',
  schema: z.object({
    userId: id,
    sessionId: id,
    reason: z.enum(['revoked', 'refresh_token_reused', 'password_changed', 'wallet_recovered']),
  }),
});

export const identityEvents = [
  UserRegistered,
  UserProfileUpdated,
  UserEmailVerified,
  UserPasswordChanged,
  OrganizationCreated,
  MemberAdded,
  MemberRoleChanged,
  ApiKeyCreated,
  ApiKeyRevoked,
  SessionStarted,
  SessionRevoked,
] as const;
