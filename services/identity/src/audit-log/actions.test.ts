import { connectionEvents, identityEvents, serebroEvents, topicFor } from '@seren/contracts';
import { auditActionOf } from './actions';

describe('audit actions', () => {
  it('names identity events as the spec does (e.g. api_key.create)', () => {
    expect(
      auditActionOf({
        type: 'ApiKeyCreated',
        data: { apiKeyId: 'k1', organizationId: 'o1' },
        subject: 'api-key-k1',
        topic: 'identity.api_key',
      }),
    ).toMatchObject({
      action: 'api_key.create',
      category: 'api_key',
      resourceType: 'api_key',
      resourceId: 'k1',
      status: 'success',
      organizationId: 'o1',
    });
    expect(
      auditActionOf({
        type: 'UserLoginFailed',
        data: { userId: 'u1' },
        subject: 'user-u1',
        topic: 'identity.user',
      }),
    ).toMatchObject({
      action: 'auth.login',
      status: 'failure',
      userId: 'u1',
    });
    expect(
      auditActionOf({
        type: 'UserRegistered',
        data: { userId: 'u1', personalOrganizationId: 'o1' },
        subject: 'user-u1',
        topic: 'identity.user',
      }),
    ).toMatchObject({ action: 'user.register', organizationId: 'o1' });
  });

  it('names marketplace events by their resource, in the organization they belong to', () => {
    expect(
      auditActionOf({
        type: 'MarketplaceAppUninstalled',
        data: { installId: 'i1', organizationId: 'loc1', type: 'UNINSTALL' },
        subject: 'marketplace-install-i1',
        topic: 'identity.marketplace_install',
      }),
    ).toMatchObject({
      action: 'app_install.uninstall',
      category: 'integration',
      resourceType: 'app_install',
      resourceId: 'i1',
      organizationId: 'loc1',
    });
  });

  it("names connected accounts' events; a connection to a global provider lands in the user's personal organization", () => {
    expect(
      auditActionOf({
        type: 'OAuthAccountConnected',
        data: { connectionId: 'c1', userId: 'u1', organizationId: null },
        subject: 'oauth-connection-c1',
        topic: 'identity.oauth_connection',
      }),
    ).toMatchObject({
      action: 'oauth_connection.connect',
      category: 'integration',
      resourceId: 'c1',
      userId: 'u1',
      organizationId: undefined,
    });
  });

  it("derives an action for other services' events", () => {
    expect(
      auditActionOf({
        type: 'ContactCreated',
        data: { organizationId: 'o1' },
        subject: 'contact-1',
        topic: 'crm.contact',
      }),
    ).toMatchObject({
      action: 'contact.created',
      category: 'crm',
      resourceType: 'contact',
      resourceId: 'contact-1',
      organizationId: 'o1',
    });
  });

  it('every identity event has its own audit line (nothing that changes state escapes the log)', () => {
    for (const contract of [...identityEvents, ...serebroEvents, ...connectionEvents]) {
      const entry = auditActionOf({ type: contract.type, data: {}, subject: 's', topic: topicFor(contract) });
      expect({ type: contract.type, generic: entry.category === 'identity' }).toEqual({
        type: contract.type,
        generic: false,
      });
    }
  });
});
