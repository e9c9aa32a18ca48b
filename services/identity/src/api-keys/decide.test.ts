import { specOf } from '@seren/testing';
import { apiKeyDecider } from './decide';
import type { ApiKeyEvent } from './api-key';

const given = specOf(apiKeyDecider);
const T0 = '2025-01-01T00:00:00.000Z';
const base = {
  type: 'CreateApiKey' as const,
  apiKeyId: 'k1',
  organizationId: 'o1',
  userId: 'u1',
  roleId: 'owner',
  name: 'ci',
  prefix: 'seren_abcdefghij',
  createdBy: 'u1',
  now: T0,
};
const created: ApiKeyEvent = {
  type: 'ApiKeyCreated',
  data: {
    apiKeyId: 'k1',
    organizationId: 'o1',
    userId: 'u1',
    roleId: 'owner',
    name: 'ci',
    prefix: 'seren_abcdefghij',
    createdBy: 'u1',
    createdAt: T0,
    expiresAt: '2025-01-31T00:00:00.000Z',
  },
};

describe('API key decider', () => {
  it('creates a key that expires after expires_in_days', () =>
    given([])
      .when({ ...base, expiresInDays: 30 })
      .then([created]));
  it('creates a key without expiry', () =>
    given([])
      .when({ ...base, expiresInDays: null })
      .then([{ ...created, data: { ...created.data, expiresAt: null } }]));
  it('refuses a bad name or expiry', () => {
    given([])
      .when({ ...base, name: ' ', expiresInDays: null })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...base, expiresInDays: 0 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...base, expiresInDays: 1.5 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });
  it('revokes once', () => {
    const revoked: ApiKeyEvent = {
      type: 'ApiKeyRevoked',
      data: { apiKeyId: 'k1', organizationId: 'o1', reason: 'revoked', revokedBy: 'u1', revokedAt: T0 },
    };
    given([created])
      .when({ type: 'RevokeApiKey', reason: 'revoked', revokedBy: 'u1', now: T0 })
      .then([revoked]);
    given([created, revoked])
      .when({ type: 'RevokeApiKey', reason: 'revoked', revokedBy: 'u1', now: T0 })
      .thenNothing();
  });
  it('an unknown key is not found', () =>
    given([])
      .when({ type: 'RevokeApiKey', reason: 'revoked', revokedBy: null, now: T0 })
      .thenThrows({ code: 'NOT_FOUND' }));
});
