import { loadIdentityConfig } from '../config';
import type { Identity } from '../platform/app';
import { startFacebookConnect } from './social';

describe('Facebook without an app configured', () => {
  it('answers 403 FEATURE_NOT_AVAILABLE (as paid plans without Paystack), before any call or state', async () => {
    const identity = { config: loadIdentityConfig({}) } as unknown as Identity;
    const request = { caller: { kind: 'user' as const, subject: 'u1', scopes: [], permissions: [] } };
    await expect(startFacebookConnect(identity, request, undefined)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      reason: 'FEATURE_NOT_AVAILABLE',
    });
  });
});
