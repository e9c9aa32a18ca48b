import { specOf } from '@seren/testing';
import { appDecider, installDecider, pitDecider } from './decide';
import type { AppEvent } from './app';
import type { InstallEvent } from './install';
import { installIdOf } from './install';
import type { PitEvent } from './pit';

const T0 = '2026-01-01T00:00:00.000Z';
const DAY = '2026-01-02T00:00:00.000Z';

describe('marketplace app decider', () => {
  const given = specOf(appDecider);
  const register = {
    type: 'RegisterApp' as const,
    appId: 'a1',
    organizationId: 'o1',
    clientId: 'c1',
    secretId: 's1',
    input: {
      name: ' Sync ',
      redirectUris: ['https://app.example.com/cb', 'http://localhost:3000/cb'],
      scopes: ['contacts.readonly', 'contacts:write', 'contacts:read'],
      distribution: 'agency',
      webhookUrl: 'https://app.example.com/hooks',
    },
    allowHttpWebhooks: false,
    by: 'u1',
    now: T0,
  };
  const registered: AppEvent = {
    type: 'MarketplaceAppRegistered',
    data: {
      appId: 'a1',
      organizationId: 'o1',
      clientId: 'c1',
      name: 'Sync',
      redirectUris: ['https://app.example.com/cb', 'http://localhost:3000/cb'],
      scopes: ['contacts:read', 'contacts:write'],
      distribution: 'agency',
      webhookUrl: 'https://app.example.com/hooks',
      secretId: 's1',
      registeredBy: 'u1',
      registeredAt: T0,
    },
  };

  it('registers with canonical scopes (aliases folded) and a trimmed name', () =>
    given([]).when(register).then([registered]));

  it('refuses unknown scopes, non-https redirect URIs, fragments and malformed webhook URLs', () => {
    given([])
      .when({ ...register, input: { ...register.input, scopes: ['contacts:read', 'everything'] } })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'INVALID_SCOPE' });
    given([])
      .when({ ...register, input: { ...register.input, redirectUris: ['http://app.example.com/cb'] } })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...register, input: { ...register.input, redirectUris: ['https://app.example.com/cb#x'] } })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...register, input: { ...register.input, redirectUris: [] } })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    // the webhook URL's form; where it points (private addresses, DNS resolved) is the service's
    // check, in marketplace.int.test.ts
    for (const hook of [
      'http://app.example.com/h',
      'ftp://app.example.com/h',
      'https://user:pass@app.example.com/h',
      'https://app.example.com/h#x',
      'app.example.com/h',
      '',
      42,
    ])
      given([])
        .when({ ...register, input: { ...register.input, webhookUrl: hook } })
        .thenThrows({ code: 'VALIDATION_ERROR', details: { field: 'webhookUrl' } });
    given([])
      .when({
        ...register,
        allowHttpWebhooks: true,
        input: { ...register.input, webhookUrl: 'http://127.0.0.1:9/h' },
      })
      .then([{ ...registered, data: { ...registered.data, webhookUrl: 'http://127.0.0.1:9/h' } }]);
    given([])
      .when({ ...register, input: { ...register.input, name: 'Sync\u202eexe' } })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...register, input: { ...register.input, name: '   ' } })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...register, input: { ...register.input, distribution: 'world' } })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('updates only what changed; the same values again record nothing', () => {
    given([registered])
      .when({
        type: 'UpdateApp',
        input: { name: 'Sync 2', webhookUrl: null },
        allowHttpWebhooks: false,
        by: 'u1',
        now: DAY,
      })
      .then([
        {
          type: 'MarketplaceAppUpdated',
          data: {
            appId: 'a1',
            organizationId: 'o1',
            name: 'Sync 2',
            webhookUrl: null,
            updatedBy: 'u1',
            updatedAt: DAY,
          },
        },
      ]);
    given([registered])
      .when({
        type: 'UpdateApp',
        input: { name: 'Sync', scopes: ['contacts:write', 'contacts.readonly'] },
        allowHttpWebhooks: false,
        by: 'u1',
        now: DAY,
      })
      .thenNothing();
  });

  it('rotates the secret with a 24 h grace by default, up to 7 days, 0 for at once', () => {
    const rotated = (expires: string): AppEvent => ({
      type: 'MarketplaceAppSecretRotated',
      data: {
        appId: 'a1',
        organizationId: 'o1',
        secretId: 's2',
        previousSecretId: 's1',
        previousSecretExpiresAt: expires,
        rotatedBy: 'u1',
        rotatedAt: T0,
      },
    });
    given([registered])
      .when({ type: 'RotateAppSecret', secretId: 's2', by: 'u1', now: T0 })
      .then([rotated(DAY)]);
    given([registered])
      .when({ type: 'RotateAppSecret', secretId: 's2', graceSeconds: 0, by: 'u1', now: T0 })
      .then([rotated(T0)]);
    given([registered])
      .when({ type: 'RotateAppSecret', secretId: 's2', graceSeconds: 8 * 86_400, by: 'u1', now: T0 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    // the next rotation replaces the newest secret
    given([registered, rotated(DAY)])
      .when({ type: 'RotateAppSecret', secretId: 's3', by: 'u1', now: T0 })
      .then([
        {
          type: 'MarketplaceAppSecretRotated',
          data: { ...(rotated(DAY).data as object), secretId: 's3', previousSecretId: 's2' } as never,
        },
      ]);
  });

  it('deletes once; a deleted app is not found for anything else', () => {
    const deleted: AppEvent = {
      type: 'MarketplaceAppDeleted',
      data: { appId: 'a1', organizationId: 'o1', deletedBy: 'u1', deletedAt: DAY },
    };
    given([registered]).when({ type: 'DeleteApp', by: 'u1', now: DAY }).then([deleted]);
    given([registered, deleted]).when({ type: 'DeleteApp', by: 'u1', now: DAY }).thenNothing();
    given([registered, deleted])
      .when({ type: 'RotateAppSecret', secretId: 's2', by: 'u1', now: DAY })
      .thenThrows({ code: 'NOT_FOUND' });
    given([]).when({ type: 'DeleteApp', by: 'u1', now: DAY }).thenThrows({ code: 'NOT_FOUND' });
  });
});

describe('install decider', () => {
  const given = specOf(installDecider);
  const installId = installIdOf('a1', 'loc1');
  const install = {
    type: 'Install' as const,
    installId,
    appId: 'a1',
    clientId: 'c1',
    appScopes: ['contacts:read', 'contacts:write'],
    appDistribution: 'location' as const,
    appWebhookUrl: 'https://app.example.com/hooks',
    organizationId: 'loc1',
    companyId: 'ag1',
    locationId: 'loc1',
    userId: 'u1',
    userType: 'Location' as const,
    scopes: ['contacts.readonly'],
    now: T0,
  };
  const installed: InstallEvent = {
    type: 'MarketplaceAppInstalled',
    data: {
      type: 'INSTALL',
      installId,
      appId: 'a1',
      clientId: 'c1',
      organizationId: 'loc1',
      companyId: 'ag1',
      locationId: 'loc1',
      userId: 'u1',
      installType: 'Location',
      scopes: ['contacts:read'],
      webhookUrl: 'https://app.example.com/hooks',
      timestamp: T0,
    },
  };
  const uninstalled: InstallEvent = {
    type: 'MarketplaceAppUninstalled',
    data: {
      type: 'UNINSTALL',
      installId,
      appId: 'a1',
      organizationId: 'loc1',
      companyId: 'ag1',
      locationId: 'loc1',
      installType: 'Location',
      reason: 'uninstalled',
      uninstalledBy: 'u2',
      webhookUrl: 'https://app.example.com/hooks',
      timestamp: DAY,
    },
  };

  it('the install id is one per app and organization', () => {
    expect(installIdOf('a1', 'loc1')).toBe(installId);
    expect(installIdOf('a1', 'loc2')).not.toBe(installId);
    expect(installId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("installs with HighLevel's INSTALL payload; the same consent again records nothing, new scopes do", () => {
    given([]).when(install).then([installed]);
    given([installed]).when(install).thenNothing();
    given([installed])
      .when({ ...install, scopes: ['contacts:read', 'contacts:write'], now: DAY })
      .then([
        {
          ...installed,
          data: { ...installed.data, scopes: ['contacts:read', 'contacts:write'], timestamp: DAY },
        },
      ]);
    // reinstalling after an uninstall is a new INSTALL
    given([installed, uninstalled]).when(install).then([installed]);
  });

  it('refuses scopes beyond the app, and agency installs of location apps', () => {
    given([])
      .when({ ...install, scopes: ['payments:write'] })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'INVALID_SCOPE' });
    given([])
      .when({ ...install, userType: 'Company', locationId: null, organizationId: 'ag1' })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'DISTRIBUTION' });
  });

  it('uninstalls once, with the UNINSTALL payload', () => {
    const uninstall = {
      type: 'Uninstall' as const,
      reason: 'uninstalled' as const,
      by: 'u2',
      appWebhookUrl: 'https://app.example.com/hooks',
      now: DAY,
    };
    given([installed]).when(uninstall).then([uninstalled]);
    given([installed, uninstalled]).when(uninstall).thenNothing();
    given([]).when(uninstall).thenThrows({ code: 'NOT_FOUND' });
  });
});

describe('private integration decider', () => {
  const given = specOf(pitDecider);
  const created: PitEvent = {
    type: 'PrivateIntegrationTokenCreated',
    data: {
      pitId: 'p1',
      organizationId: 'loc1',
      userType: 'Location',
      name: 'zapier',
      scopes: ['contacts:read'],
      secretId: 's1',
      createdBy: 'u1',
      createdAt: T0,
    },
  };
  it('creates with canonical scopes; at least one scope', () => {
    given([])
      .when({
        type: 'CreatePit',
        pitId: 'p1',
        organizationId: 'loc1',
        userType: 'Location',
        name: 'zapier',
        scopes: ['contacts.readonly'],
        secretId: 's1',
        by: 'u1',
        now: T0,
      })
      .then([created]);
    given([])
      .when({
        type: 'CreatePit',
        pitId: 'p1',
        organizationId: 'loc1',
        userType: 'Location',
        name: 'zapier',
        scopes: [],
        secretId: 's1',
        by: 'u1',
        now: T0,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });
  it('rotates with a 7-day overlap (shorter on request, never longer); revoked PITs do not rotate', () => {
    const week = '2026-01-08T00:00:00.000Z';
    given([created])
      .when({ type: 'RotatePit', secretId: 's2', by: 'u1', now: T0 })
      .then([
        {
          type: 'PrivateIntegrationTokenRotated',
          data: {
            pitId: 'p1',
            organizationId: 'loc1',
            secretId: 's2',
            previousSecretId: 's1',
            previousSecretExpiresAt: week,
            rotatedBy: 'u1',
            rotatedAt: T0,
          },
        },
      ]);
    given([created])
      .when({ type: 'RotatePit', secretId: 's2', overlapSeconds: 8 * 86_400, by: 'u1', now: T0 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    const revoked: PitEvent = {
      type: 'PrivateIntegrationTokenRevoked',
      data: { pitId: 'p1', organizationId: 'loc1', revokedBy: 'u1', revokedAt: T0 },
    };
    given([created]).when({ type: 'RevokePit', by: 'u1', now: T0 }).then([revoked]);
    given([created, revoked]).when({ type: 'RevokePit', by: 'u1', now: T0 }).thenNothing();
    given([created, revoked])
      .when({ type: 'RotatePit', secretId: 's2', by: 'u1', now: T0 })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
