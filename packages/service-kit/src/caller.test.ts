import { SignJWT, UnsecuredJWT } from 'jose';
import {
  requirePermission,
  requireScope,
  signInternalToken,
  verifyInternalToken,
  type Caller,
} from './caller';
import { DomainError } from './errors';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const caller: Caller = {
  subject: 'user_1',
  kind: 'user',
  organizationId: 'org_1',
  scopes: ['contacts.readonly'],
  permissions: ['org.manage_members'],
  via: 'session',
};

describe('internal caller token', () => {
  it('round-trips the caller', async () => {
    const token = await signInternalToken(caller, secret);
    await expect(verifyInternalToken(token, secret)).resolves.toEqual(caller);
  });

  it("round-trips a Serebro credential's app, class, credential and resource", async () => {
    const serebro: Caller = {
      subject: 'user_1',
      kind: 'user',
      organizationId: 'org_location',
      scopes: ['locations:read'],
      permissions: [],
      via: 'oauth',
      appId: 'app_1',
      authClass: 'Company',
      credentialId: 'install_1',
      resourceId: 'org_agency',
    };
    await expect(verifyInternalToken(await signInternalToken(serebro, secret), secret)).resolves.toEqual(
      serebro,
    );
  });

  it('still accepts a token signed before the Serebro claims existed', async () => {
    const token = await new SignJWT({
      kind: 'user',
      org: 'org_1',
      scp: [],
      perm: ['org.read'],
      via: 'session',
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_1')
      .setIssuer('seren-gateway')
      .setAudience('seren-services')
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(secret));
    const verified = await verifyInternalToken(token, secret);
    expect(verified).toMatchObject({ subject: 'user_1', organizationId: 'org_1', permissions: ['org.read'] });
    expect([verified.appId, verified.authClass, verified.credentialId, verified.resourceId]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('rejects a token signed with another key', async () => {
    const token = await signInternalToken(caller, 'another-secret-that-is-also-long-enough-xx');
    await expect(verifyInternalToken(token, secret)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects an unsigned token (alg: none)', async () => {
    const token = new UnsecuredJWT({ kind: 'user', perm: ['org.manage_members'] })
      .setSubject('user_1')
      .setIssuer('seren-gateway')
      .setAudience('seren-services')
      .setExpirationTime('1m')
      .encode();
    await expect(verifyInternalToken(token, secret)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('rejects an expired token', async () => {
    const token = await new SignJWT({ kind: 'user' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user_1')
      .setIssuer('seren-gateway')
      .setAudience('seren-services')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(secret));
    await expect(verifyInternalToken(token, secret)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('answers a token seen before from memory, until it expires, and only under the same secret', async () => {
    const now = Date.now();
    jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const token = await signInternalToken(caller, secret, 60);
      const first = await verifyInternalToken(token, secret);
      first.scopes.push('mutated by a resolver');
      // the remembered caller is a copy: what one request does to its caller is not the next one's
      await expect(verifyInternalToken(token, secret)).resolves.toEqual(caller);
      await expect(
        verifyInternalToken(token, 'another-secret-that-is-also-long-enough-xx'),
      ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      jest.setSystemTime(now + 59_000);
      await expect(verifyInternalToken(token, secret)).resolves.toEqual(caller);
      jest.setSystemTime(now + 61_000);
      await expect(verifyInternalToken(token, secret)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('requires scopes and permissions with typed errors', () => {
    expect(() => requireScope(caller, 'contacts.readonly')).not.toThrow();
    expect(() => requireScope(caller, 'contacts.write')).toThrow(DomainError);
    expect(() => requirePermission(caller, 'org.manage_roles')).toThrow(/org.manage_roles/);
    expect(() => requirePermission({ kind: 'anonymous', scopes: [], permissions: [] }, 'x')).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    );
  });
});
