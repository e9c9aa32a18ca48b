import { startTestIdentity, type TestIdentity } from '../test/harness';
import { openRevocationFeed, within } from '../test/revocation-feed';

// GET /internal/revocations: the gateways' feed of revocations (server-sent events), fed by
// PostgreSQL notifications sent in the revoking transaction.

describe('revocation feed', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  it('streams a notice naming the user within a second of a session or key revocation', async () => {
    const feed = await openRevocationFeed<{ userId: string; reason: string }>(t.service.url);
    try {
      expect(feed.response.headers.get('content-type')).toBe('text/event-stream');
      const user = await t.client.user('revoked');
      await t.client.ok(
        `mutation($id: ID!) { revokeSession(sessionId: $id) { revokedCount } }`,
        { id: user.sessionId },
        user.as,
      );
      const started = Date.now();
      expect(
        await within(1_000, () =>
          feed.notices.find((n) => n.userId === user.id && n.reason === 'SessionRevoked'),
        ),
      ).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(1_000);

      const agent = await t.client.agent();
      await t.client.ok(
        `mutation($o: ID!, $k: ID!) { revokeApiKey(organizationId: $o, keyId: $k) { id } }`,
        { o: agent.organizationId, k: agent.apiKeyId },
        agent.as,
      );
      expect(
        await within(1_000, () =>
          feed.notices.find((n) => n.userId === agent.id && n.reason === 'ApiKeyRevoked'),
        ),
      ).toBeTruthy();
    } finally {
      feed.close();
    }
  });

  it('sends nothing when nothing was revoked (a refused revocation)', async () => {
    const feed = await openRevocationFeed<{ userId: string; reason: string }>(t.service.url);
    try {
      const user = await t.client.user('kept');
      const other = await t.client.user('other');
      // someone else's session: refused (404), nothing committed, nothing sent
      await t.client.graphql(
        `mutation($id: ID!) { revokeSession(sessionId: $id) { revokedCount } }`,
        { id: other.sessionId },
        user.as,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(feed.notices.filter((n) => n.userId === other.id || n.userId === user.id)).toEqual([]);
    } finally {
      feed.close();
    }
  });
});
