import { startTestIdentity, verifyMailedAddress, type TestIdentity } from '../test/harness';

const CREATE = `mutation($o: ID!, $n: String!, $d: Int) { createApiKey(organizationId: $o, name: $n, expiresInDays: $d) { key apiKey { id name prefix expiresAt revokedAt } } }`;
const LIST = `query($o: ID!) { apiKeys(organizationId: $o) { id name prefix lastUsedAt revokedAt } }`;
const REVOKE = `mutation($o: ID!, $k: ID!) { revokeApiKey(organizationId: $o, keyId: $k) { id revokedAt } }`;

describe('API keys and wallet recovery', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  it('creates a key shown once, with a visible prefix and an expiry; lists it without the secret', async () => {
    const user = await t.client.user();
    const created = await t.client.ok<{
      createApiKey: { key: string; apiKey: { id: string; prefix: string; expiresAt: string } };
    }>(CREATE, { o: 'default', n: 'ci', d: 30 }, user.as);
    const { key, apiKey } = created.createApiKey;
    expect(key.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect(Date.parse(apiKey.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const listed = await t.client.graphql(LIST, { o: 'default' }, user.as);
    expect(JSON.stringify(listed)).not.toContain(key.slice(apiKey.prefix.length + 1));
    expect(listed.data).toEqual({
      apiKeys: [{ id: apiKey.id, name: 'ci', prefix: apiKey.prefix, lastUsedAt: null, revokedAt: null }],
    });
    // the key works, and its use is recorded
    expect(await t.client.callerFor(key, 'api_key')).toMatchObject({
      subject: user.id,
      organizationId: user.personalOrganizationId,
      via: 'api_key',
    });
    const after = await t.client.ok<{ apiKeys: { lastUsedAt: string | null }[] }>(
      LIST,
      { o: user.personalOrganizationId },
      user.as,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      (
        await t.client.ok<{ apiKeys: { lastUsedAt: string | null }[] }>(
          LIST,
          { o: user.personalOrganizationId },
          user.as,
        )
      ).apiKeys[0]!.lastUsedAt ?? after.apiKeys[0]!.lastUsedAt,
    ).not.toBeNull();
  });

  it('revoked and expired keys are refused at once', async () => {
    const user = await t.client.user();
    const created = await t.client.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      CREATE,
      { o: 'default', n: 'short', d: 1 },
      user.as,
    );
    const { key, apiKey } = created.createApiKey;
    const realNow = t.service.identity.now;
    t.service.identity.now = () => new Date(Date.now() + 2 * 86_400_000);
    try {
      expect(await t.client.authenticate(key, 'api_key')).toMatchObject({
        status: 401,
        body: { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' },
      });
    } finally {
      t.service.identity.now = realNow;
    }
    expect(
      (
        await t.client.ok<{ revokeApiKey: { revokedAt: string } }>(
          REVOKE,
          { o: 'default', k: apiKey.id },
          user.as,
        )
      ).revokeApiKey.revokedAt,
    ).toBeTruthy();
    expect(await t.client.authenticate(key, 'api_key')).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
    // a tampered secret with a valid prefix is refused too
    const other = await t.client.ok<{ createApiKey: { key: string } }>(
      CREATE,
      { o: 'default', n: 'x' },
      user.as,
    );
    const tampered = other.createApiKey.key.slice(0, -1) + (other.createApiKey.key.endsWith('A') ? 'B' : 'A');
    expect((await t.client.authenticate(tampered, 'api_key')).status).toBe(401);
  });

  it('keys of another organization are not found; an org key acts only in its organization', async () => {
    const alice = await t.client.user();
    const bob = await t.client.user();
    const bobKey = await t.client.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      CREATE,
      { o: 'default', n: 'bob' },
      bob.as,
    );
    expect(
      await t.client.error(REVOKE, { o: 'default', k: bobKey.createApiKey.apiKey.id }, alice.as),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.client.error(LIST, { o: bob.personalOrganizationId }, alice.as)).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await t.client.error(LIST, { o: alice.personalOrganizationId }, { apiKey: bobKey.createApiKey.key }),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('viewers cannot manage keys', async () => {
    const owner = await t.client.user();
    const org = await t.client.team(owner);
    const viewer = await t.client.user();
    const count = t.mail.mails.length;
    await t.client.ok(
      `mutation($o: ID!, $e: String!) { createInvite(organizationId: $o, email: $e, role: "viewer") { id } }`,
      { o: org, e: viewer.email },
      owner.as,
    );
    const mail = await t.mail.waitFor(viewer.email, /invited/i, count);
    await verifyMailedAddress(t, viewer.email);
    await t.client.ok(
      `mutation($t: String!) { acceptInvite(token: $t) { id } }`,
      { t: mail.token },
      viewer.as,
    );
    expect(await t.client.error(CREATE, { o: org, n: 'nope' }, viewer.as)).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('wallet recovery: a code shown once; recovery revokes every key, issues a new one and rotates the code', async () => {
    const agent = await t.client.agent();
    const SETUP = `mutation($e: String) { setupRecovery(email: $e) { recoveryCode hasRecoveryCode email } }`;
    const first = await t.client.ok<{ setupRecovery: { recoveryCode: string } }>(
      SETUP,
      { e: 'owner@example.com' },
      agent.as,
    );
    expect(first.setupRecovery).toEqual({
      recoveryCode: expect.stringMatching(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/),
      hasRecoveryCode: true,
      email: 'owner@example.com',
    });
    expect(await t.client.ok(SETUP, {}, agent.as)).toEqual({
      setupRecovery: { recoveryCode: null, hasRecoveryCode: true, email: 'owner@example.com' },
    });
    const extra = await t.client.ok<{ createApiKey: { key: string } }>(
      CREATE,
      { o: 'default', n: 'second' },
      agent.as,
    );

    const RECOVER = `mutation($c: String!) { recoverWallet(recoveryCode: $c) { user { id } apiKey { key } recoveryCode revokedApiKeys } }`;
    expect(await t.client.error(RECOVER, { c: 'too-short' })).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(await t.client.error(RECOVER, { c: '0000-0000-0000-0000-0000-0000' })).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    // dashes and spaces optional, any case
    const typed = ` ${first.setupRecovery.recoveryCode.replace(/-/g, ' ').toLowerCase()} `;
    const recovered = await t.client.ok<{
      recoverWallet: {
        user: { id: string };
        apiKey: { key: string };
        recoveryCode: string;
        revokedApiKeys: number;
      };
    }>(RECOVER, { c: typed });
    expect(recovered.recoverWallet).toMatchObject({ user: { id: agent.id }, revokedApiKeys: 2 });
    expect(recovered.recoverWallet.recoveryCode).not.toBe(first.setupRecovery.recoveryCode);
    expect((await t.client.authenticate(agent.apiKey, 'api_key')).status).toBe(401);
    expect((await t.client.authenticate(extra.createApiKey.key, 'api_key')).status).toBe(401);
    expect(await t.client.callerFor(recovered.recoverWallet.apiKey.key, 'api_key')).toMatchObject({
      subject: agent.id,
    });
    // the old code is spent; the new one works
    expect(await t.client.error(RECOVER, { c: first.setupRecovery.recoveryCode })).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await t.client.ok(RECOVER, { c: recovered.recoverWallet.recoveryCode });
  });
});
