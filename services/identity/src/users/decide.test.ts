import { specOf } from '@seren/testing';
import { userDecider } from './decide';
import type { UserEvent } from './user';

const given = specOf(userDecider);
const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T01:00:00.000Z';
const T2 = '2025-01-02T01:00:00.000Z';

const registered: UserEvent = {
  type: 'UserRegistered',
  data: {
    userId: 'u1',
    kind: 'human',
    email: 'ada@example.com',
    name: 'Ada',
    personalOrganizationId: 'o1',
    registeredAt: T0,
  },
};
const verificationRequested: UserEvent = {
  type: 'EmailVerificationRequested',
  data: { userId: 'u1', tokenId: 't1', email: 'ada@example.com', requestedAt: T0, expiresAt: T2 },
};

describe('user decider', () => {
  it('registers a new user', () =>
    given([])
      .when({
        type: 'RegisterUser',
        userId: 'u1',
        kind: 'human',
        email: 'ada@example.com',
        name: 'Ada',
        personalOrganizationId: 'o1',
        now: T0,
      })
      .then([registered]));

  it('refuses to register the same id twice', () =>
    given([registered])
      .when({
        type: 'RegisterUser',
        userId: 'u1',
        kind: 'human',
        email: 'x@example.com',
        name: 'X',
        personalOrganizationId: 'o2',
        now: T0,
      })
      .thenThrows({ code: 'CONFLICT' }));

  it('a new email is unverified', () =>
    given([
      registered,
      verificationRequested,
      {
        type: 'UserEmailVerified',
        data: { userId: 'u1', email: 'ada@example.com', tokenId: 't1', verifiedAt: T1 },
      },
    ])
      .when({ type: 'UpdateProfile', email: 'new@example.com', now: T1 })
      .then([
        {
          type: 'UserProfileUpdated',
          data: {
            userId: 'u1',
            email: 'new@example.com',
            name: undefined,
            emailVerified: false,
            updatedAt: T1,
          },
        },
      ]));

  it('a rename keeps the verification state, and an unchanged profile records nothing', () => {
    given([registered])
      .when({ type: 'UpdateProfile', name: 'Ada L', now: T1 })
      .then([
        {
          type: 'UserProfileUpdated',
          data: { userId: 'u1', name: 'Ada L', email: undefined, emailVerified: false, updatedAt: T1 },
        },
      ]);
    given([registered])
      .when({ type: 'UpdateProfile', name: 'Ada', email: 'ada@example.com', now: T1 })
      .thenNothing();
  });

  it('verifies the email with the newest link only', () => {
    given([registered, verificationRequested])
      .when({ type: 'VerifyEmail', tokenId: 't1', now: T1 })
      .then([
        {
          type: 'UserEmailVerified',
          data: { userId: 'u1', email: 'ada@example.com', tokenId: 't1', verifiedAt: T1 },
        },
      ]);
    given([
      registered,
      verificationRequested,
      { ...verificationRequested, data: { ...verificationRequested.data, tokenId: 't2' } },
    ])
      .when({ type: 'VerifyEmail', tokenId: 't1', now: T1 })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'TOKEN_INVALID' });
  });

  it('refuses an expired verification link', () =>
    given([registered, verificationRequested])
      .when({ type: 'VerifyEmail', tokenId: 't1', now: '2025-01-03T00:00:00.000Z' })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  it('a link mailed to the old address does not verify a changed one', () =>
    given([
      registered,
      verificationRequested,
      {
        type: 'UserProfileUpdated',
        data: { userId: 'u1', email: 'b@example.com', emailVerified: false, updatedAt: T1 },
      },
    ])
      .when({ type: 'VerifyEmail', tokenId: 't1', now: T1 })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  describe('an agent changing its email (PATCH /auth/agent)', () => {
    const agent: UserEvent = {
      type: 'UserRegistered',
      data: { ...registered.data, kind: 'agent', email: 'old@example.com' },
    };
    const oldVerified: UserEvent = {
      type: 'UserEmailVerified',
      data: { userId: 'u1', email: 'old@example.com', tokenId: 't0', verifiedAt: T0 },
    };
    const changeRequested: UserEvent = {
      type: 'EmailVerificationRequested',
      data: { userId: 'u1', tokenId: 't1', email: 'new@example.com', requestedAt: T0, expiresAt: T2 },
    };

    it('refuses a person (AGENT_ONLY)', () =>
      given([registered])
        .when({ type: 'RequestEmailChange', email: 'x@example.com', tokenId: 't1', now: T0, expiresAt: T2 })
        .thenThrows({ code: 'FORBIDDEN', reason: 'AGENT_ONLY' }));

    it('mails a link for the new address and leaves the verified one in place', () => {
      given([agent, oldVerified])
        .when({ type: 'RequestEmailChange', email: 'new@example.com', tokenId: 't1', now: T0, expiresAt: T2 })
        .then([changeRequested]);
      const state = [agent, oldVerified, changeRequested].reduce(
        userDecider.evolve,
        userDecider.initialState(),
      );
      expect(state).toMatchObject({
        email: 'old@example.com',
        emailVerified: true,
      });
    });

    it("verifying the new address makes it the account's address", () => {
      given([agent, oldVerified, changeRequested])
        .when({ type: 'VerifyEmail', tokenId: 't1', now: T1 })
        .then([
          {
            type: 'UserEmailVerified',
            data: { userId: 'u1', email: 'new@example.com', tokenId: 't1', verifiedAt: T1 },
          },
        ]);
    });
  });

  it('resets the password once with the current reset link', () => {
    const requested: UserEvent = {
      type: 'PasswordResetRequested',
      data: { userId: 'u1', tokenId: 'r1', requestedAt: T0, expiresAt: T1 },
    };
    const reset: UserEvent = {
      type: 'UserPasswordChanged',
      data: { userId: 'u1', reason: 'reset', resetTokenId: 'r1', changedAt: T0 },
    };
    given([registered, requested]).when({ type: 'ResetPassword', tokenId: 'r1', now: T0 }).then([reset]);
    given([registered, requested, reset])
      .when({ type: 'ResetPassword', tokenId: 'r1', now: T0 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([registered, requested])
      .when({ type: 'ResetPassword', tokenId: 'r1', now: T2 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('a password change spends an outstanding reset link', () =>
    given([
      registered,
      {
        type: 'PasswordResetRequested',
        data: { userId: 'u1', tokenId: 'r1', requestedAt: T0, expiresAt: T2 },
      },
      {
        type: 'UserPasswordChanged',
        data: { userId: 'u1', reason: 'changed', resetTokenId: null, changedAt: T0 },
      },
    ])
      .when({ type: 'ResetPassword', tokenId: 'r1', now: T1 })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  it('issues a recovery code only once', () => {
    const issued: UserEvent = {
      type: 'RecoveryCodeIssued',
      data: { userId: 'u1', codeId: 'c1', reason: 'setup', issuedAt: T0 },
    };
    given([registered]).when({ type: 'IssueRecoveryCode', codeId: 'c1', now: T0 }).then([issued]);
    given([registered, issued]).when({ type: 'IssueRecoveryCode', codeId: 'c2', now: T1 }).thenNothing();
  });

  it('recovery with the current code rotates it', () => {
    const issued: UserEvent = {
      type: 'RecoveryCodeIssued',
      data: { userId: 'u1', codeId: 'c1', reason: 'setup', issuedAt: T0 },
    };
    given([registered, issued])
      .when({
        type: 'RecoverAccount',
        usedCodeId: 'c1',
        newCodeId: 'c2',
        newApiKeyId: 'k2',
        revokedApiKeyIds: ['k1'],
        now: T1,
      })
      .then([
        {
          type: 'AccountRecovered',
          data: {
            userId: 'u1',
            usedCodeId: 'c1',
            newCodeId: 'c2',
            newApiKeyId: 'k2',
            revokedApiKeyIds: ['k1'],
            recoveredAt: T1,
          },
        },
        { type: 'RecoveryCodeIssued', data: { userId: 'u1', codeId: 'c2', reason: 'rotated', issuedAt: T1 } },
      ]);
    given([
      registered,
      issued,
      { type: 'RecoveryCodeIssued', data: { userId: 'u1', codeId: 'c2', reason: 'rotated', issuedAt: T1 } },
    ])
      .when({
        type: 'RecoverAccount',
        usedCodeId: 'c1',
        newCodeId: 'c3',
        newApiKeyId: 'k3',
        revokedApiKeyIds: [],
        now: T1,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('records a failed login of an existing account', () =>
    given([registered])
      .when({ type: 'RecordLoginFailure', now: T1 })
      .then([{ type: 'UserLoginFailed', data: { userId: 'u1', reason: 'wrong_password', failedAt: T1 } }]));

  it('commands on an unknown user are refused', () =>
    given([]).when({ type: 'ChangePassword', now: T0 }).thenThrows({ code: 'NOT_FOUND' }));
});
