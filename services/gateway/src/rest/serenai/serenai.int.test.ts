import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { eventually, restAgent, restUser, verifyMailedAddress } from '../../test-support/rest-flows';
import { STRONG_PASSWORD, uniqueEmail } from '../../test-support/suite';

// SerenAI's identity routes through the gateway, at the spec's paths, with its bodies and statuses.

describe('SerenAI REST (identity routes) through the gateway', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite();
  });
  afterAll(() => s?.close());

  describe('Auth', () => {
    it('POST /auth/agent → 201 with a personal organization and an API key named "agent" shown once', async () => {
      const r = await s.serenai('POST', '/auth/agent', { body: {} });
      expect(r.status).toBe(201);
      expect(r.body.data).toMatchObject({
        user: { email: null, is_agent: true, email_verified: false },
        organization: { kind: 'personal' },
        api_key: expect.stringMatching(/^seren_[a-z0-9]{10}_/),
      });
      const keys = await s.serenai('GET', '/organizations/default/api-keys', { token: r.body.data.api_key });
      expect(keys.status).toBe(200);
      expect(keys.body.data).toEqual([
        expect.objectContaining({ name: 'agent', key_prefix: r.body.data.api_key_prefix }),
      ]);
      expect(keys.text).not.toContain(r.body.data.api_key);
      expect((await s.serenai('POST', '/auth/agent', { body: { name: 'x'.repeat(101) } })).status).toBe(400);
    });

    it('PATCH /auth/agent → 200, email unverified, verification mail; 400 invalid email; 401 without credential', async () => {
      const agent = await restAgent(s);
      const email = uniqueEmail('agent');
      const r = await s.serenai('PATCH', '/auth/agent', { token: agent.token, body: { email } });
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({ email, email_verified: false });
      await s.mail.waitFor(email, /verify/i);
      expect(
        (await s.serenai('PATCH', '/auth/agent', { token: agent.token, body: { email: 'nope' } })).status,
      ).toBe(400);
      const anonymous = await s.serenai('PATCH', '/auth/agent', { body: { email } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });

    it('POST /auth/forgot-password and /auth/resend-verification → 200 alike for known and unknown emails; 400 malformed', async () => {
      const user = await restUser(s);
      for (const path of ['/auth/forgot-password', '/auth/resend-verification']) {
        const known = await s.serenai('POST', path, { body: { email: user.email } });
        const unknown = await s.serenai('POST', path, { body: { email: uniqueEmail('ghost') } });
        expect(known.status).toBe(200);
        expect(known.body).toEqual(unknown.body);
        expect((await s.serenai('POST', path, { body: { email: 'not-an-email' } })).status).toBe(400);
        expect((await s.serenai('POST', path, { body: {} })).status).toBe(400);
      }
    });

    it('POST /auth/reset-password → 200 once; 400 used token or weak password; 404 unknown token', async () => {
      const user = await restUser(s);
      await verifyMailedAddress(s, user.email);
      const count = s.mail.mails.length;
      await s.serenai('POST', '/auth/forgot-password', { body: { email: user.email } });
      const mail = await s.mail.waitFor(user.email, /reset/i, count);
      expect(
        (
          await s.serenai('POST', '/auth/reset-password', {
            body: { token: mail.token, new_password: 'weak' },
          })
        ).status,
      ).toBe(400);
      const ok = await s.serenai('POST', '/auth/reset-password', {
        body: { token: mail.token, new_password: 'Fresh-Password-7' },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ data: { message: 'Password reset successfully' }, pagination: null });
      // used: 400 "Invalid or expired token"; never issued: 404 "Token not found"
      const reused = await s.serenai('POST', '/auth/reset-password', {
        body: { token: mail.token, new_password: 'Fresh-Password-8' },
      });
      expect(reused.status).toBe(400);
      expect(reused.body.error).toBe('TOKEN_INVALID');
      expect(
        (
          await s.serenai('POST', '/auth/reset-password', {
            body: { token: 'nope', new_password: 'Fresh-Password-8' },
          })
        ).status,
      ).toBe(404);
    });

    it('POST /auth/reset-password → 400 for a link superseded by a newer one', async () => {
      const user = await restUser(s);
      await verifyMailedAddress(s, user.email);
      let count = s.mail.mails.length;
      await s.serenai('POST', '/auth/forgot-password', { body: { email: user.email } });
      const first = await s.mail.waitFor(user.email, /reset/i, count);
      count = s.mail.mails.length;
      await s.serenai('POST', '/auth/forgot-password', { body: { email: user.email } });
      const second = await s.mail.waitFor(user.email, /reset/i, count);
      expect(second.token).not.toBe(first.token);
      const stale = await s.serenai('POST', '/auth/reset-password', {
        body: { token: first.token, new_password: 'Fresh-Password-7' },
      });
      expect(stale.status).toBe(400);
      const fresh = await s.serenai('POST', '/auth/reset-password', {
        body: { token: second.token, new_password: 'Fresh-Password-7' },
      });
      expect(fresh.status).toBe(200);
    });

    it('POST /auth/verify-email → 200 with tokens (logs in); 400 for a bad token', async () => {
      const email = uniqueEmail('verify');
      await s.serelo('POST', '/api/v1/auth/register', {
        body: { email, password: STRONG_PASSWORD, name: 'V' },
      });
      const mail = await s.mail.waitFor(email, /verify/i);
      const r = await s.serenai('POST', '/auth/verify-email', { body: { token: mail.token } });
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({
        token_type: 'bearer',
        expires_in: 86_400,
        user: { email, email_verified: true },
      });
      expect((await s.serenai('GET', '/auth/me', { token: r.body.data.access_token })).status).toBe(200);
      expect((await s.serenai('POST', '/auth/verify-email', { body: { token: mail.token } })).status).toBe(
        400,
      );
    });

    it('GET /auth/me → 200 with the default organization; 401 without credential', async () => {
      const user = await restUser(s);
      const r = await s.serenai('GET', '/auth/me', { token: user.token });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        data: {
          id: user.id,
          email: user.email,
          is_agent: false,
          default_organization: { id: user.organizationId, kind: 'personal' },
        },
        pagination: null,
      });
      expect((await s.serenai('GET', '/auth/me')).status).toBe(401);
    });

    it.each(['/organizations/default', '/organizations/{id}'])(
      'API keys under %s: create 201 (key once), list 200, revoke 200 then 401 within 5 s, 404 unknown',
      async (prefix) => {
        const user = await restUser(s);
        const base = prefix.replace('{id}', user.organizationId);
        const created = await s.serenai('POST', `${base}/api-keys`, {
          token: user.token,
          body: { name: 'ci', expires_in_days: 7 },
        });
        expect(created.status).toBe(201);
        expect(created.body.data).toMatchObject({
          name: 'ci',
          key: expect.stringMatching(/^seren_/),
          key_prefix: expect.any(String),
          expires_at: expect.any(String),
          revoked_at: null,
        });
        const key = created.body.data.key as string;
        const listed = await s.serenai('GET', `${base}/api-keys`, { token: user.token });
        expect(listed.status).toBe(200);
        expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(created.body.data.id);
        expect(listed.text).not.toContain(key);
        expect((await s.serenai('GET', '/auth/me', { token: key })).status).toBe(200);
        const revoked = await s.serenai('DELETE', `${base}/api-keys/${created.body.data.id}`, {
          token: user.token,
        });
        expect(revoked.status).toBe(200);
        expect(revoked.body.data.revoked_at).toEqual(expect.any(String));
        const took = await eventually(
          async () => (await s.serenai('GET', '/auth/me', { token: key })).status === 401,
        );
        expect(took).toBeLessThanOrEqual(6_000);
        expect(
          (
            await s.serenai('DELETE', `${base}/api-keys/00000000-0000-0000-0000-000000000000`, {
              token: user.token,
            })
          ).status,
        ).toBe(404);
        expect(
          (
            await s.serenai('POST', `${base}/api-keys`, {
              token: user.token,
              body: { name: 'x', expires_in_days: 0 },
            })
          ).status,
        ).toBe(400);
      },
    );
  });

  describe('Organizations and RBAC', () => {
    it('GET /organizations, invites (POST 201 + mail, GET), members, PUT member role', async () => {
      const owner = await restUser(s, 'owner');
      const team = await s.client.ok<{ createOrganization: { id: string } }>(
        `mutation { createOrganization(name: "Acme") { id } }`,
        {},
        { token: owner.token },
      );
      const org = team.createOrganization.id;
      const orgs = await s.serenai('GET', '/organizations', { token: owner.token });
      expect(orgs.status).toBe(200);
      expect(orgs.body.data.map((o: { id: string }) => o.id)).toEqual([owner.organizationId, org]);

      // an API key of the team: for it, `default` and /auth/me's default_organization are the team
      const teamKey = await s.serenai('POST', `/organizations/${org}/api-keys`, {
        token: owner.token,
        body: { name: 'team key' },
      });
      expect(teamKey.status).toBe(201);
      const asKey = await s.serenai('GET', '/auth/me', { token: teamKey.body.data.key });
      expect(asKey.body.data.default_organization.id).toBe(org);
      const keysViaDefault = await s.serenai('GET', '/organizations/default/api-keys', {
        token: teamKey.body.data.key,
      });
      expect(keysViaDefault.status).toBe(200);
      expect(keysViaDefault.body.data.map((k: { organization_id: string }) => k.organization_id)).toContain(
        org,
      );

      const invitee = await restUser(s, 'invitee');
      await verifyMailedAddress(s, invitee.email); // an invite admits only its verified addressee
      const count = s.mail.mails.length;
      const invite = await s.serenai('POST', `/organizations/${org}/invites`, {
        token: owner.token,
        body: { email: invitee.email, role: 'viewer' },
      });
      expect(invite.status).toBe(201);
      expect(invite.body.data).toMatchObject({ email: invitee.email, role: 'viewer', status: 'pending' });
      expect(invite.body.data).not.toHaveProperty('token');
      const mail = await s.mail.waitFor(invitee.email, /invited/i, count);
      expect(
        (
          await s.serenai('POST', `/organizations/${org}/invites`, {
            token: owner.token,
            body: { email: 'bad' },
          })
        ).status,
      ).toBe(400);
      const invites = await s.serenai('GET', `/organizations/${org}/invites`, { token: owner.token });
      expect(invites.status).toBe(200);
      expect(invites.body.data).toHaveLength(1);

      await s.client.ok(
        `mutation($t: String!) { acceptInvite(token: $t) { id } }`,
        { t: mail.token },
        { token: invitee.token },
      );
      const members = await s.serenai('GET', `/organizations/${org}/members`, { token: invitee.token });
      expect(members.status).toBe(200);
      expect(members.body.data).toEqual([
        expect.objectContaining({ user_id: owner.id, email: owner.email, role: 'owner' }),
        expect.objectContaining({ user_id: invitee.id, email: invitee.email, role: 'viewer' }),
      ]);
      expect((await s.serenai('GET', `/organizations/${org}/invites`, { token: invitee.token })).status).toBe(
        403,
      );

      const assigned = await s.serenai('PUT', `/organizations/${org}/members/${invitee.id}/role`, {
        token: owner.token,
        body: { role_name: 'editor' },
      });
      expect(assigned.status).toBe(200);
      expect(assigned.body.data).toMatchObject({ user_id: invitee.id, role: 'editor', role_id: 'editor' });
      expect(
        (
          await s.serenai('PUT', `/organizations/${org}/members/${invitee.id}/role`, {
            token: owner.token,
            body: {},
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await s.serenai('PUT', `/organizations/${org}/members/${invitee.id}/role`, {
            token: owner.token,
            body: { role_id: 'nope' },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await s.serenai('PUT', `/organizations/${org}/members/${owner.id}/role`, {
            token: invitee.token,
            body: { role_name: 'viewer' },
          })
        ).status,
      ).toBe(403);
    });

    it('roles: list with built-ins, create 201, get, patch, delete 204, and the documented 400s', async () => {
      const user = await restUser(s);
      const base = `/organizations/default/roles`;
      const list = await s.serenai('GET', base, { token: user.token });
      expect(list.status).toBe(200);
      expect(
        list.body.data
          .filter((r: { is_builtin: boolean }) => r.is_builtin)
          .map((r: { name: string }) => r.name),
      ).toEqual(['owner', 'admin', 'editor', 'viewer']);
      const created = await s.serenai('POST', base, {
        token: user.token,
        body: { name: 'Support', description: 'helps', permissions: ['org.read'] },
      });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({
        name: 'Support',
        description: 'helps',
        permissions: ['org.read'],
        is_builtin: false,
      });
      const id = created.body.data.id;
      expect((await s.serenai('GET', `${base}/${id}`, { token: user.token })).body.data.name).toBe('Support');
      const patched = await s.serenai('PATCH', `${base}/${id}`, {
        token: user.token,
        body: { permissions: ['org.read', 'billing.read'] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({
        description: 'helps',
        permissions: ['org.read', 'billing.read'],
      });
      expect(
        (await s.serenai('PATCH', `${base}/admin`, { token: user.token, body: { name: 'x' } })).status,
      ).toBe(400);
      expect((await s.serenai('DELETE', `${base}/owner`, { token: user.token })).status).toBe(400);
      expect(
        (
          await s.serenai('POST', base, {
            token: user.token,
            body: { name: 'Bad', permissions: ['no.such'] },
          })
        ).status,
      ).toBe(400);
      expect((await s.serenai('POST', base, { token: user.token, body: { name: 'NoPerms' } })).status).toBe(
        400,
      );
      const deleted = await s.serenai('DELETE', `${base}/${id}`, { token: user.token });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect((await s.serenai('GET', `${base}/${id}`, { token: user.token })).status).toBe(404);
      expect((await s.serenai('DELETE', `${base}/${id}`, { token: user.token })).status).toBe(404);
    });

    it('permissions: catalog (array), check, mine (array)', async () => {
      const user = await restUser(s);
      const catalog = await s.serenai('GET', '/permissions', { token: user.token });
      expect(catalog.status).toBe(200);
      expect(catalog.body).toContainEqual(
        expect.objectContaining({
          name: 'org.manage_members',
          resource_type: 'org',
          action: 'manage_members',
          created_at: expect.any(String),
        }),
      );
      expect((await s.serenai('GET', '/permissions')).status).toBe(401);
      const check = await s.serenai('GET', '/organizations/default/permissions/check/org.manage_roles', {
        token: user.token,
      });
      expect(check.status).toBe(200);
      expect(check.body.data).toEqual({ permission: 'org.manage_roles', has_permission: true });
      const mine = await s.serenai('GET', `/organizations/${user.organizationId}/permissions/mine`, {
        token: user.token,
      });
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual(expect.arrayContaining(['org.manage_members', 'org.delete']));
    });
  });

  describe('Sessions', () => {
    it('GET /sessions (array, current marked), DELETE one, revoke-others, revoke-all; 404 for unknown ids', async () => {
      const user = await restUser(s, 'sessions');
      const second = await s.serelo('POST', '/api/v1/auth/login', {
        body: { email: user.email, password: STRONG_PASSWORD },
        headers: { 'user-agent': 'phone/2.0' },
      });
      const third = await s.serelo('POST', '/api/v1/auth/login', {
        body: { email: user.email, password: STRONG_PASSWORD },
      });
      const list = await s.serenai('GET', '/sessions', { token: user.token });
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(3);
      expect(list.body.find((x: { user_agent: string }) => x.user_agent === 'phone/2.0')).toMatchObject({
        is_current: false,
        ip_address: expect.any(String),
      });
      const current = list.body.find((x: { is_current: boolean }) => x.is_current);
      const phone = list.body.find((x: { user_agent: string }) => x.user_agent === 'phone/2.0');
      expect((await s.serenai('DELETE', `/sessions/${phone.id}`, { token: user.token })).body).toEqual({
        data: { revoked_count: 1 },
        pagination: null,
      });
      await eventually(
        async () => (await s.serenai('GET', '/auth/me', { token: second.body.access_token })).status === 401,
      );
      expect((await s.serenai('DELETE', `/sessions/${phone.id}`, { token: user.token })).status).toBe(404);
      const others = await s.serenai('POST', `/sessions/${current.id}/revoke-others`, { token: user.token });
      expect(others.status).toBe(200);
      expect(others.body.data.revoked_count).toBe(1);
      await eventually(
        async () => (await s.serenai('GET', '/auth/me', { token: third.body.access_token })).status === 401,
      );
      expect(
        (
          await s.serenai('POST', `/sessions/00000000-0000-0000-0000-000000000000/revoke-others`, {
            token: user.token,
          })
        ).status,
      ).toBe(404);
      const all = await s.serenai('POST', '/sessions/revoke-all', { token: user.token });
      expect(all.body.data.revoked_count).toBe(1);
      await eventually(
        async () => (await s.serenai('GET', '/auth/me', { token: user.token })).status === 401,
      );
    });
  });

  describe('Wallet recovery', () => {
    it('POST /wallet/recovery (code once) and POST /wallet/recover (200; 400 malformed; 401 wrong code)', async () => {
      const agent = await restAgent(s);
      const setup = await s.serenai('POST', '/wallet/recovery', { token: agent.token, body: {} });
      expect(setup.status).toBe(200);
      const code = setup.body.data.recovery_code as string;
      expect(code).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);
      expect(
        (
          await s.serenai('POST', '/wallet/recovery', {
            token: agent.token,
            body: { email: 'human@example.com' },
          })
        ).body.data,
      ).toEqual({
        recovery_code: null,
        has_recovery_code: true,
        email: 'human@example.com',
      });
      expect((await s.serenai('POST', '/wallet/recovery', { body: {} })).status).toBe(401);
      expect((await s.serenai('POST', '/wallet/recover', { body: { recovery_code: 'short' } })).status).toBe(
        400,
      );
      expect(
        (
          await s.serenai('POST', '/wallet/recover', {
            body: { recovery_code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ' },
          })
        ).status,
      ).toBe(401);
      const recovered = await s.serenai('POST', '/wallet/recover', {
        body: { recovery_code: code.replace(/-/g, '').toLowerCase() },
      });
      expect(recovered.status).toBe(200);
      expect(recovered.body.data).toMatchObject({
        user_id: agent.id,
        api_key: expect.stringMatching(/^seren_/),
        recovery_code: expect.any(String),
        revoked_api_keys: 1,
      });
      await eventually(
        async () => (await s.serenai('GET', '/auth/me', { token: agent.token })).status === 401,
      );
      expect((await s.serenai('GET', '/auth/me', { token: recovered.body.data.api_key })).status).toBe(200);
    });
  });

  describe('Audit logs', () => {
    it('GET /organizations/{id}/audit-logs with filters and paging, and GET .../audit-logs/{log_id}', async () => {
      const user = await restUser(s, 'audit');
      await s.serenai('POST', '/organizations/default/api-keys', {
        token: user.token,
        body: { name: 'audited' },
        headers: { 'user-agent': 'auditor/1.0' },
      });
      let page: { data: { logs: Record<string, unknown>[]; total: number }; pagination: unknown } | undefined;
      await eventually(async () => {
        const r = await s.serenai('GET', '/organizations/default/audit-logs?action=api_key.create', {
          token: user.token,
        });
        page = r.body;
        return r.status === 200 && r.body.data.total === 1;
      }, 15_000);
      expect(page!.data.logs[0]).toMatchObject({
        action: 'api_key.create',
        resource_type: 'api_key',
        status: 'success',
        actor_id: user.id,
        user_agent: 'auditor/1.0',
      });
      expect(page!.pagination).toEqual({ total: 1, limit: 50, offset: 0 });
      const paged = await s.serenai('GET', '/organizations/default/audit-logs?limit=1&offset=1', {
        token: user.token,
      });
      expect(paged.status).toBe(200);
      expect(paged.body.data.logs).toHaveLength(1);
      expect(paged.body.pagination).toMatchObject({ limit: 1, offset: 1 });
      expect(
        (await s.serenai('GET', '/organizations/default/audit-logs?limit=101', { token: user.token })).status,
      ).toBe(400);
      const one = await s.serenai(
        'GET',
        `/organizations/${user.organizationId}/audit-logs/${page!.data.logs[0]!.id}`,
        { token: user.token },
      );
      expect(one.status).toBe(200);
      expect(one.body.data).toMatchObject({ id: page!.data.logs[0]!.id, action: 'api_key.create' });
      expect(
        (
          await s.serenai('GET', `/organizations/default/audit-logs/00000000-0000-0000-0000-000000000000`, {
            token: user.token,
          })
        ).status,
      ).toBe(404);
      // the list documents both: 404 for an organization that does not exist, 403 for one of others
      const missing = await s.serenai('GET', '/organizations/no-such-organization/audit-logs', {
        token: user.token,
      });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('NOT_FOUND');
      const stranger = await restUser(s);
      const foreign = await s.serenai('GET', `/organizations/${stranger.organizationId}/audit-logs`, {
        token: user.token,
      });
      expect(foreign.status).toBe(403);
    });
  });
});
