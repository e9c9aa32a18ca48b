import { restUser } from '../../test-support/rest-flows';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';

// Ranges, either/or rules and status decisions are identity's (DomainErrors), and the rows' request
// schemas are identity's own input schemas: the same input gets the same answer over REST and over
// GraphQL, both through the gateway.

describe('SerenAI REST and GraphQL answer the same input alike', () => {
  let s: RestSuite;
  let user: Awaited<ReturnType<typeof restUser>>;
  beforeAll(async () => {
    s = await startRestSuite();
    user = await restUser(s, 'alike');
  });
  afterAll(() => s?.close());

  const refusal = (message: string) => ({
    error: 'VALIDATION_ERROR',
    message: expect.stringContaining(message),
  });

  it('an audit-log page outside 1 to 100 is 400 VALIDATION_ERROR, not clamped', async () => {
    const message = 'limit must be an integer from 1 to 100';
    for (const limit of [0, 101, 1000]) {
      const rest = await s.serenai('GET', `/organizations/default/audit-logs?limit=${limit}`, {
        token: user.token,
      });
      expect({ status: rest.status, body: rest.body }).toEqual({ status: 400, body: refusal(message) });
      expect(
        await s.client.error(
          `query($l: Int) { auditLogs(organizationId: "default", limit: $l) { total } }`,
          { l: limit },
          user,
        ),
      ).toMatchObject({ code: 'VALIDATION_ERROR', message });
    }
    const full = await s.serenai('GET', '/organizations/default/audit-logs?limit=100', { token: user.token });
    expect(full.status).toBe(200);
    expect(full.body.pagination).toMatchObject({ limit: 100, offset: 0 });
  });

  it('assigning a role needs role_id or role_name: one rule, in identity', async () => {
    const path = `/organizations/${user.organizationId}/members/${user.id}/role`;
    for (const body of [{}, { role_id: null, role_name: null }, { role_name: '  ' }]) {
      const rest = await s.serenai('PUT', path, { token: user.token, body });
      expect({ status: rest.status, body: rest.body }).toEqual({
        status: 400,
        body: refusal('either role_id or role_name must be provided'),
      });
    }
    expect(
      await s.client.error(
        `mutation($o: ID!, $m: ID!) { assignRole(organizationId: $o, memberId: $m, roleName: "  ") { id } }`,
        { o: user.organizationId, m: user.id },
        user,
      ),
    ).toEqual({
      code: 'VALIDATION_ERROR',
      reason: undefined,
      message: 'either role_id or role_name must be provided',
    });
  });

  it('`default` without an organization is 400 NO_ORGANIZATION from identity, with no remapping at the edge', async () => {
    const orphan = await restUser(s, 'orphan');
    // No flow leaves a user without any membership today; emptying the read model reaches that state.
    await s.identity.dataSource.query(`delete from members where user_id = $1`, [orphan.id]);
    const expected = { status: 400, body: { error: 'NO_ORGANIZATION', message: 'User has no organization' } };
    for (const [method, path, body] of [
      ['GET', '/organizations/default/api-keys', undefined],
      ['POST', '/organizations/default/api-keys', { name: 'k' }],
      ['DELETE', '/organizations/default/api-keys/some-key', undefined],
    ] as const) {
      const rest = await s.serenai(method, path, { token: orphan.token, body });
      expect({ status: rest.status, body: rest.body }).toEqual(expected);
    }
    expect(await s.client.error(`{ apiKeys(organizationId: "default") { id } }`, {}, orphan)).toEqual({
      code: 'VALIDATION_ERROR',
      reason: 'NO_ORGANIZATION',
      message: 'User has no organization',
    });
  });

  it("identity's input schemas: the same limits refused over both", async () => {
    const cases: {
      rest: [string, string, unknown];
      graphql: [string, Record<string, unknown>];
      message: string;
    }[] = [
      {
        rest: ['POST', '/organizations/default/api-keys', { name: 'x'.repeat(101) }],
        graphql: [
          `mutation($n: String!) { createApiKey(organizationId: "default", name: $n) { key } }`,
          { n: 'x'.repeat(101) },
        ],
        message: 'name must be 1 to 100 characters',
      },
      {
        rest: ['POST', '/organizations/default/api-keys', { name: 'k', expires_in_days: 3651 }],
        graphql: [
          `mutation($d: Int) { createApiKey(organizationId: "default", name: "k", expiresInDays: $d) { key } }`,
          { d: 3651 },
        ],
        message: 'expires_in_days must be an integer from 1 to 3650',
      },
      {
        rest: [
          'POST',
          `/organizations/${user.organizationId}/roles`,
          { name: 'Pilots', permissions: ['org.read', 'org.fly'] },
        ],
        graphql: [
          `mutation($o: ID!) { createRole(organizationId: $o, name: "Pilots", permissions: ["org.read", "org.fly"]) { id } }`,
          { o: user.organizationId },
        ],
        message: 'unknown permission: org.fly',
      },
      {
        rest: ['POST', '/auth/forgot-password', { email: 'not-an-email' }],
        graphql: [`mutation { forgotPassword(email: "not-an-email") }`, {}],
        message: 'email must be a valid address',
      },
    ];
    for (const {
      rest: [method, path, body],
      graphql: [query, variables],
      message,
    } of cases) {
      const rest = await s.serenai(method, path, { token: user.token, body });
      expect({ path, status: rest.status, body: rest.body }).toEqual({
        path,
        status: 400,
        body: refusal(message),
      });
      expect(await s.client.error(query, variables, user)).toMatchObject({
        code: 'VALIDATION_ERROR',
        message,
      });
    }
  });
});
