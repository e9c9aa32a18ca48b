import { specOf } from '@seren/testing';
import type { ConnectionEvent, SocialAccountEvent } from './connection';
import {
  connectionDecider,
  providerDecider,
  providerSettings,
  socialAccountDecider,
  type ProviderCommand,
} from './decide';
import type { ProviderEvent } from './provider';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

describe('provider settings (input rules)', () => {
  const base = {
    name: 'Acme SSO',
    authorizationUrl: 'https://idp.acme.example/authorize',
    tokenUrl: 'https://idp.acme.example/token',
    scopes: ['openid', 'openid', 'read'],
    clientId: 'acme',
  };
  it('fills the defaults: slug from the name, PKCE required, active; scopes deduplicated', () => {
    expect(providerSettings(base)).toMatchObject({
      slug: 'acme-sso',
      pkceRequired: true,
      isActive: true,
      scopes: ['openid', 'read'],
      customAuthParams: {},
      issuer: null,
    });
  });
  it('takes an issuer instead of the endpoints (discovery), but needs one or the other', () => {
    expect(
      providerSettings({
        ...base,
        authorizationUrl: undefined,
        tokenUrl: undefined,
        issuer: 'https://idp.example',
      }),
    ).toMatchObject({
      authorizationUrl: null,
      tokenUrl: null,
      issuer: 'https://idp.example/',
    });
    expect(() => providerSettings({ ...base, tokenUrl: undefined })).toThrow(/token_url/);
  });
  it('refuses non-http(s) URLs, URLs with credentials, bad slugs, protocol parameters among the custom ones', () => {
    expect(() => providerSettings({ ...base, authorizationUrl: 'javascript:alert(1)' })).toThrow(
      /authorization_url/,
    );
    expect(() => providerSettings({ ...base, tokenUrl: 'https://u:p@idp.example/token' })).toThrow(
      /credentials/,
    );
    expect(() => providerSettings({ ...base, slug: 'Bad Slug' })).toThrow(/slug/);
    expect(() => providerSettings({ ...base, customAuthParams: { state: 'x' } })).toThrow(
      /state is set by the flow/,
    );
    expect(() => providerSettings({ ...base, scopes: ['has space'] })).toThrow(/scopes/);
    expect(
      providerSettings({ ...base, customAuthParams: { access_type: 'offline' } }).customAuthParams,
    ).toEqual({
      access_type: 'offline',
    });
  });
});

describe('OAuth provider decider', () => {
  const given = specOf(providerDecider);
  const settings = providerSettings({
    name: 'Acme',
    authorizationUrl: 'https://idp.example/a',
    tokenUrl: 'https://idp.example/t',
    scopes: [],
    clientId: 'c',
  });
  const create: ProviderCommand = {
    type: 'CreateProvider',
    providerId: 'p1',
    organizationId: 'o1',
    settings,
    slugTaken: false,
    by: 'u1',
    now: T0,
  };
  const created: ProviderEvent = {
    type: 'OAuthProviderCreated',
    data: { providerId: 'p1', organizationId: 'o1', ...settings, createdBy: 'u1', createdAt: T0 },
  };

  it('creates a provider; a taken slug is a conflict', () => {
    given([]).when(create).then([created]);
    given([])
      .when({ ...create, slugTaken: true })
      .thenThrows({ code: 'CONFLICT', reason: 'PROVIDER_EXISTS' });
  });
  it('updates with the full new settings and says whether the secret was replaced; keeps its own slug', () => {
    const renamed = { ...settings, name: 'Acme 2' };
    given([created])
      .when({
        type: 'UpdateProvider',
        settings: renamed,
        slugTaken: true,
        clientSecretReplaced: true,
        by: 'u1',
        now: T1,
      })
      .then([
        {
          type: 'OAuthProviderUpdated',
          data: {
            providerId: 'p1',
            organizationId: 'o1',
            ...renamed,
            clientSecretReplaced: true,
            updatedBy: 'u1',
            updatedAt: T1,
          },
        },
      ]);
    given([created])
      .when({
        type: 'UpdateProvider',
        settings: { ...settings, slug: 'other' },
        slugTaken: true,
        clientSecretReplaced: false,
        by: 'u1',
        now: T1,
      })
      .thenThrows({ code: 'CONFLICT' });
  });
  it('deletes once; a deleted or unknown provider is not found', () => {
    const deleted: ProviderEvent = {
      type: 'OAuthProviderDeleted',
      data: { providerId: 'p1', organizationId: 'o1', slug: 'acme', deletedBy: 'u1', deletedAt: T1 },
    };
    given([created]).when({ type: 'DeleteProvider', by: 'u1', now: T1 }).then([deleted]);
    given([created, deleted])
      .when({ type: 'DeleteProvider', by: 'u1', now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
    given([])
      .when({
        type: 'UpdateProvider',
        settings,
        slugTaken: false,
        clientSecretReplaced: false,
        by: 'u1',
        now: T1,
      })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});

describe('OAuth connection decider', () => {
  const given = specOf(connectionDecider);
  const connect = {
    type: 'ConnectAccount' as const,
    connectionId: 'c1',
    userId: 'u1',
    providerId: 'p1',
    providerSlug: 'acme',
    organizationId: null,
    accountId: 'sub-1',
    accountName: 'Ada',
    scopes: ['openid'],
    expiresAt: T1,
    now: T0,
  };
  const connected: ConnectionEvent = {
    type: 'OAuthAccountConnected',
    data: {
      connectionId: 'c1',
      userId: 'u1',
      providerId: 'p1',
      providerSlug: 'acme',
      organizationId: null,
      accountId: 'sub-1',
      accountName: 'Ada',
      scopes: ['openid'],
      expiresAt: T1,
      connectedAt: T0,
    },
  };
  const revoked: ConnectionEvent = {
    type: 'OAuthConnectionRevoked',
    data: {
      connectionId: 'c1',
      userId: 'u1',
      providerId: 'p1',
      reason: 'user',
      revokedAtProvider: true,
      revokedAt: T1,
    },
  };

  it('connects, and connects again after a revocation (a reconnect)', () => {
    given([]).when(connect).then([connected]);
    given([connected, revoked]).when(connect).then([connected]);
  });
  it('records a refresh only while connected', () => {
    given([connected])
      .when({ type: 'RecordRefresh', scopes: ['openid'], expiresAt: T1, now: T1 })
      .then([
        {
          type: 'OAuthConnectionRefreshed',
          data: { connectionId: 'c1', userId: 'u1', scopes: ['openid'], expiresAt: T1, refreshedAt: T1 },
        },
      ]);
    given([connected, revoked])
      .when({ type: 'RecordRefresh', scopes: [], expiresAt: null, now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
  });
  it('revokes once, with its reason', () => {
    given([connected])
      .when({ type: 'RevokeConnection', reason: 'user', revokedAtProvider: true, now: T1 })
      .then([revoked]);
    given([connected, revoked])
      .when({ type: 'RevokeConnection', reason: 'provider_deleted', revokedAtProvider: false, now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});

describe('social account decider', () => {
  const given = specOf(socialAccountDecider);
  const connected: SocialAccountEvent = {
    type: 'SocialAccountConnected',
    data: {
      accountId: 'a1',
      userId: 'u1',
      platform: 'facebook',
      platformUserId: 'fb1',
      platformUsername: 'Ada',
      maskedToken: '…abcd',
      pages: [{ pageId: 'p1', pageName: 'Page', maskedToken: '…wxyz' }],
      tokenExpiresAt: null,
      connectedAt: T0,
    },
  };
  it('connects with masked tokens only', () => {
    const { accountId, userId, platformUserId, platformUsername, maskedToken, pages, tokenExpiresAt } =
      connected.data;
    given([])
      .when({
        type: 'ConnectSocialAccount',
        accountId,
        userId,
        platformUserId,
        platformUsername,
        maskedToken,
        pages,
        tokenExpiresAt,
        now: T0,
      })
      .then([connected]);
  });
  it("disconnects its owner's account once; another user's is not found", () => {
    given([connected])
      .when({ type: 'DisconnectSocialAccount', userId: 'u1', now: T1 })
      .then([
        {
          type: 'SocialAccountDisconnected',
          data: { accountId: 'a1', userId: 'u1', platform: 'facebook', disconnectedAt: T1 },
        },
      ]);
    given([connected])
      .when({ type: 'DisconnectSocialAccount', userId: 'u2', now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
    given([])
      .when({ type: 'DisconnectSocialAccount', userId: 'u1', now: T1 })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
