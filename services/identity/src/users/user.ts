import type {
  AccountRecovered,
  EmailVerificationRequested,
  EventOf,
  PasswordResetRequested,
  RecoveryCodeIssued,
  RecoveryEmailChanged,
  UserEmailVerified,
  UserLoginFailed,
  UserPasswordChanged,
  UserProfileUpdated,
  UserRegistered,
} from '@seren/contracts';

export type UserEvent = EventOf<
  [
    typeof UserRegistered,
    typeof UserProfileUpdated,
    typeof EmailVerificationRequested,
    typeof UserEmailVerified,
    typeof PasswordResetRequested,
    typeof UserPasswordChanged,
    typeof UserLoginFailed,
    typeof RecoveryCodeIssued,
    typeof RecoveryEmailChanged,
    typeof AccountRecovered,
  ]
>;

export const userStream = (userId: string) => `user-${userId}`;

export type UserState =
  | { status: 'none' }
  | {
      status: 'registered';
      userId: string;
      kind: 'human' | 'agent';
      email: string | null;
      name: string;
      emailVerified: boolean;
      personalOrganizationId: string;
      /**
       * the one valid verification link, if any; its `email` differs from `email` while a new
       * address is pending (an agent's change waits for verification before it counts)
       */
      verification: { tokenId: string; email: string; expiresAt: string } | null;
      /** the one valid reset link, if any */
      reset: { tokenId: string; expiresAt: string } | null;
      recoveryCodeId: string | null;
      recoveryEmail: string | null;
    };

export const initialUserState = (): UserState => ({ status: 'none' });

export function evolveUser(state: UserState, event: UserEvent): UserState {
  if (event.type === 'UserRegistered') {
    const d = event.data;
    return {
      status: 'registered',
      userId: d.userId,
      kind: d.kind,
      email: d.email,
      name: d.name,
      emailVerified: false,
      personalOrganizationId: d.personalOrganizationId,
      verification: null,
      reset: null,
      recoveryCodeId: null,
      recoveryEmail: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'UserProfileUpdated': {
      const d = event.data;
      const emailChanged = d.email !== undefined && d.email !== state.email;
      return {
        ...state,
        name: d.name ?? state.name,
        email: d.email ?? state.email,
        emailVerified: d.emailVerified,
        // a link mailed to the old address must not verify the new one
        verification: emailChanged ? null : state.verification,
      };
    }
    case 'EmailVerificationRequested':
      return {
        ...state,
        verification: {
          tokenId: event.data.tokenId,
          email: event.data.email,
          expiresAt: event.data.expiresAt,
        },
      };
    case 'UserEmailVerified':
      // a verified pending address becomes the account's address
      return { ...state, email: event.data.email, emailVerified: true, verification: null };
    case 'PasswordResetRequested':
      return { ...state, reset: { tokenId: event.data.tokenId, expiresAt: event.data.expiresAt } };
    case 'UserPasswordChanged':
      // any change of password spends the outstanding reset link
      return { ...state, reset: null };
    case 'UserLoginFailed':
      return state;
    case 'RecoveryCodeIssued':
      return { ...state, recoveryCodeId: event.data.codeId };
    case 'RecoveryEmailChanged':
      return { ...state, recoveryEmail: event.data.email };
    case 'AccountRecovered':
      return state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
