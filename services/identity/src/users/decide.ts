import { conflict, forbidden, notFound, validationError } from '@seren/service-kit/errors';
import { evolveUser, initialUserState, type UserEvent, type UserState } from './user.js';

// Commands carry the time and new ids: decide stays pure.
export type UserCommand =
  | {
      type: 'RegisterUser';
      userId: string;
      kind: 'human' | 'agent';
      email: string | null;
      name: string;
      personalOrganizationId: string;
      now: string;
    }
  | { type: 'UpdateProfile'; name?: string; email?: string; now: string }
  | { type: 'RequestEmailVerification'; tokenId: string; now: string; expiresAt: string }
  /** An agent sets a new address: it stays pending (not the login or reset address) until verified. */
  | { type: 'RequestEmailChange'; email: string; tokenId: string; now: string; expiresAt: string }
  | { type: 'VerifyEmail'; tokenId: string; now: string }
  | { type: 'RequestPasswordReset'; tokenId: string; now: string; expiresAt: string }
  | { type: 'ChangePassword'; now: string }
  | { type: 'ResetPassword'; tokenId: string; now: string }
  | { type: 'RecordLoginFailure'; now: string }
  | { type: 'IssueRecoveryCode'; codeId: string; now: string }
  | { type: 'ChangeRecoveryEmail'; email: string; now: string }
  | {
      type: 'RecoverAccount';
      usedCodeId: string;
      newCodeId: string;
      newApiKeyId: string;
      revokedApiKeyIds: string[];
      now: string;
    };

/** PATCH /auth/agent is an agent's: a person's email changes only through the console's own flows. */
export const agentsOnly = () =>
  forbidden('only agents can update their profile here', { reason: 'AGENT_ONLY' });

/** A one-time link that is not the newest one, was used, or expired. */
export const invalidLink = () => validationError('invalid or expired token', { reason: 'TOKEN_INVALID' });

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'RegisterUser') {
    if (state.status !== 'none') throw conflict('user already exists');
    const { userId, kind, email, name, personalOrganizationId, now } = command;
    return [
      {
        type: 'UserRegistered',
        data: { userId, kind, email, name, personalOrganizationId, registeredAt: now },
      },
    ];
  }
  if (state.status === 'none') throw notFound('user');
  const userId = state.userId;

  switch (command.type) {
    case 'UpdateProfile': {
      const name = command.name !== undefined && command.name !== state.name ? command.name : undefined;
      const email = command.email !== undefined && command.email !== state.email ? command.email : undefined;
      if (name === undefined && email === undefined) return [];
      return [
        {
          type: 'UserProfileUpdated',
          data: {
            userId,
            name,
            email,
            emailVerified: email !== undefined ? false : state.emailVerified,
            updatedAt: command.now,
          },
        },
      ];
    }
    case 'RequestEmailVerification':
      if (!state.email) throw validationError('the account has no email address');
      if (state.emailVerified) return [];
      return [
        {
          type: 'EmailVerificationRequested',
          data: {
            userId,
            tokenId: command.tokenId,
            email: state.email,
            requestedAt: command.now,
            expiresAt: command.expiresAt,
          },
        },
      ];
    case 'RequestEmailChange':
      if (state.kind !== 'agent') throw agentsOnly();
      if (command.email === state.email && state.emailVerified) return [];
      return [
        {
          type: 'EmailVerificationRequested',
          data: {
            userId,
            tokenId: command.tokenId,
            email: command.email,
            requestedAt: command.now,
            expiresAt: command.expiresAt,
          },
        },
      ];
    case 'VerifyEmail': {
      // the link verifies the address it was mailed to: the current one, or a pending new one,
      // which verifying makes the account's address
      const link = state.verification;
      if (!link || link.tokenId !== command.tokenId || link.expiresAt <= command.now) {
        throw invalidLink();
      }
      return [
        {
          type: 'UserEmailVerified',
          data: { userId, email: link.email, tokenId: link.tokenId, verifiedAt: command.now },
        },
      ];
    }
    case 'RequestPasswordReset':
      return [
        {
          type: 'PasswordResetRequested',
          data: { userId, tokenId: command.tokenId, requestedAt: command.now, expiresAt: command.expiresAt },
        },
      ];
    case 'ChangePassword':
      return [
        {
          type: 'UserPasswordChanged',
          data: { userId, reason: 'changed', resetTokenId: null, changedAt: command.now },
        },
      ];
    case 'ResetPassword': {
      const link = state.reset;
      if (!link || link.tokenId !== command.tokenId || link.expiresAt <= command.now) throw invalidLink();
      return [
        {
          type: 'UserPasswordChanged',
          data: { userId, reason: 'reset', resetTokenId: link.tokenId, changedAt: command.now },
        },
      ];
    }
    case 'RecordLoginFailure':
      return [{ type: 'UserLoginFailed', data: { userId, reason: 'wrong_password', failedAt: command.now } }];
    case 'IssueRecoveryCode':
      // shown once: an existing code is never replaced here, only by a recovery
      if (state.recoveryCodeId) return [];
      return [
        {
          type: 'RecoveryCodeIssued',
          data: { userId, codeId: command.codeId, reason: 'setup', issuedAt: command.now },
        },
      ];
    case 'ChangeRecoveryEmail':
      if (state.recoveryEmail === command.email) return [];
      return [
        { type: 'RecoveryEmailChanged', data: { userId, email: command.email, changedAt: command.now } },
      ];
    case 'RecoverAccount':
      if (!state.recoveryCodeId || state.recoveryCodeId !== command.usedCodeId) {
        throw validationError('invalid recovery code', { reason: 'INVALID_RECOVERY_CODE' });
      }
      return [
        {
          type: 'AccountRecovered',
          data: {
            userId,
            usedCodeId: command.usedCodeId,
            newCodeId: command.newCodeId,
            newApiKeyId: command.newApiKeyId,
            revokedApiKeyIds: command.revokedApiKeyIds,
            recoveredAt: command.now,
          },
        },
        {
          type: 'RecoveryCodeIssued',
          data: { userId, codeId: command.newCodeId, reason: 'rotated', issuedAt: command.now },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const userDecider = {
  streamType: 'user',
  initialState: initialUserState,
  evolve: evolveUser,
  decide: decideUser,
};
