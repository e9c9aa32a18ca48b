import { startTestIdentity, uniqueEmail, verifyMailedAddress, type TestIdentity } from '../test/harness';

const MEMBERS = `query($o: ID!) { members(organizationId: $o) { id role { name } user { email } } }`;
const INVITE = `mutation($o: ID!, $e: String!, $r: String) { createInvite(organizationId: $o, email: $e, role: $r) { id email status role { name } } }`;
const ASSIGN = `mutation($o: ID!, $m: ID!, $id: ID, $name: String) { assignRole(organizationId: $o, memberId: $m, roleId: $id, roleName: $name) { id role { id name } } }`;

describe('organizations, members, invites and RBAC', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  /** An owner with a team, and a second user who joined it by invite with `role`. */
  async function teamWithMember(role?: string) {
    const owner = await t.client.user('owner');
    const org = await t.client.team(owner, 'Acme');
    const member = await t.client.user('member');
    const count = t.mail.mails.length;
    await t.client.ok(INVITE, { o: org, e: member.email, r: role }, owner.as);
    const mail = await t.mail.waitFor(member.email, /invited/i, count);
    await verifyMailedAddress(t, member.email);
    await t.client.ok(
      `mutation($t: String!) { acceptInvite(token: $t) { id } }`,
      { t: mail.token },
      member.as,
    );
    return { owner, org, member };
  }

  it('every user has a personal organization; `default` resolves to it', async () => {
    const user = await t.client.user();
    const data = await t.client.ok<{
      organizations: { id: string; kind: string }[];
      organization: { id: string; myRole: { name: string } };
    }>(`{ organizations { id kind } organization(id: "default") { id myRole { name } } }`, {}, user.as);
    expect(data.organizations).toEqual([{ id: user.personalOrganizationId, kind: 'PERSONAL' }]);
    expect(data.organization).toEqual({ id: user.personalOrganizationId, myRole: { name: 'owner' } });
  });

  it('an invite admits only its addressee, once verified: not agent D (no email), not B unverified (INVITE_EMAIL_MISMATCH)', async () => {
    const owner = await t.client.user('owner');
    const org = await t.client.team(owner);
    const b = await t.client.user('invitee-b');
    const d = await t.client.agent();
    const count = t.mail.mails.length;
    await t.client.ok(INVITE, { o: org, e: b.email, r: 'viewer' }, owner.as);
    const mail = await t.mail.waitFor(b.email, /invited/i, count);
    const ACCEPT = `mutation($t: String!) { acceptInvite(token: $t) { id } }`;
    expect(await t.client.error(ACCEPT, { t: mail.token }, d.as)).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'INVITE_EMAIL_MISMATCH',
    });
    expect(await t.client.error(ACCEPT, { t: mail.token }, b.as)).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'INVITE_EMAIL_MISMATCH',
    });
    const members = async () =>
      (await t.client.ok<{ members: { id: string }[] }>(MEMBERS, { o: org }, owner.as)).members.map(
        (m) => m.id,
      );
    expect(await members()).toEqual([owner.id]);
    // the refused attempts did not spend the invite: B, verified, joins with it
    await verifyMailedAddress(t, b.email);
    expect(await t.client.ok(ACCEPT, { t: mail.token }, b.as)).toEqual({ acceptInvite: { id: b.id } });
    expect(await members()).toEqual([owner.id, b.id]);
  });

  it('invites by mail (the token never in the answer); the invitee joins with the role', async () => {
    const owner = await t.client.user('owner');
    const org = await t.client.team(owner);
    const invitee = await t.client.user('invitee');
    const count = t.mail.mails.length;
    const invite = await t.client.graphql(INVITE, { o: org, e: invitee.email, r: 'viewer' }, owner.as);
    expect(invite.data).toEqual({
      createInvite: {
        id: expect.any(String),
        email: invitee.email,
        status: 'PENDING',
        role: { name: 'viewer' },
      },
    });
    const mail = await t.mail.waitFor(invitee.email, /invited/i, count);
    expect(JSON.stringify(invite)).not.toContain(mail.token!);
    await verifyMailedAddress(t, invitee.email);
    await t.client.ok(
      `mutation($t: String!) { acceptInvite(token: $t) { id } }`,
      { t: mail.token },
      invitee.as,
    );
    const members = await t.client.ok<{ members: { user: { email: string }; role: { name: string } }[] }>(
      MEMBERS,
      { o: org },
      owner.as,
    );
    expect(members.members.map((m) => [m.user.email, m.role.name])).toEqual([
      [owner.email, 'owner'],
      [invitee.email, 'viewer'],
    ]);
    const invites = await t.client.ok<{ invites: { status: string }[] }>(
      `query($o: ID!) { invites(organizationId: $o) { status } }`,
      { o: org },
      owner.as,
    );
    expect(invites.invites).toEqual([{ status: 'ACCEPTED' }]);
  });

  it('the default invite role is the member role (editor); an unknown role is a validation error', async () => {
    const owner = await t.client.user();
    const org = await t.client.team(owner);
    expect(await t.client.ok(INVITE, { o: org, e: uniqueEmail() }, owner.as)).toMatchObject({
      createInvite: { role: { name: 'editor' } },
    });
    expect(await t.client.error(INVITE, { o: org, e: uniqueEmail(), r: 'emperor' }, owner.as)).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(await t.client.error(INVITE, { o: org, e: 'nope' }, owner.as)).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('members without org.manage_members cannot invite, see invites or assign roles', async () => {
    const { org, member, owner } = await teamWithMember('viewer');
    expect(await t.client.error(INVITE, { o: org, e: uniqueEmail() }, member.as)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await t.client.error(`query($o: ID!) { invites(organizationId: $o) { id } }`, { o: org }, member.as),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await t.client.error(ASSIGN, { o: org, m: owner.id, name: 'viewer' }, member.as)).toMatchObject({
      code: 'FORBIDDEN',
    });
    // members may still read the member list
    expect((await t.client.ok<{ members: unknown[] }>(MEMBERS, { o: org }, member.as)).members).toHaveLength(
      2,
    );
  });

  it('assigns roles by id or name; only an owner makes owners; the last owner stays', async () => {
    const { org, member, owner } = await teamWithMember('editor');
    expect(await t.client.ok(ASSIGN, { o: org, m: member.id, name: 'admin' }, owner.as)).toEqual({
      assignRole: { id: member.id, role: { id: 'admin', name: 'admin' } },
    });
    // an admin may manage members but not grant ownership
    expect(await t.client.error(ASSIGN, { o: org, m: member.id, id: 'owner' }, member.as)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await t.client.error(ASSIGN, { o: org, m: owner.id, id: 'viewer' }, owner.as)).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(
      await t.client.error(ASSIGN, { o: org, m: member.id, name: 'nonexistent' }, owner.as),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await t.client.error(ASSIGN, { o: org, m: 'no-such-user', name: 'viewer' }, owner.as),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.client.error(ASSIGN, { o: org, m: member.id }, owner.as)).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('lists built-in and custom roles; custom roles are created, updated and deleted with the documented 400s', async () => {
    const owner = await t.client.user();
    const org = await t.client.team(owner);
    const roles = await t.client.ok<{ roles: { id: string; isBuiltin: boolean }[] }>(
      `query($o: ID!) { roles(organizationId: $o) { id isBuiltin } }`,
      { o: org },
      owner.as,
    );
    expect(roles.roles).toEqual(
      ['owner', 'admin', 'editor', 'viewer'].map((id) => ({ id, isBuiltin: true })),
    );

    const created = await t.client.ok<{ createRole: { id: string; name: string; permissions: string[] } }>(
      `mutation($o: ID!) { createRole(organizationId: $o, name: "Billing", description: "money", permissions: ["billing.read", "billing.manage"]) { id name permissions } }`,
      { o: org },
      owner.as,
    );
    expect(created.createRole).toMatchObject({
      name: 'Billing',
      permissions: ['billing.read', 'billing.manage'],
    });
    const id = created.createRole.id;
    expect(
      await t.client.ok(
        `query($o: ID!, $r: ID!) { role(organizationId: $o, roleId: $r) { name description isBuiltin } }`,
        { o: org, r: id },
        owner.as,
      ),
    ).toEqual({
      role: { name: 'Billing', description: 'money', isBuiltin: false },
    });
    expect(
      await t.client.ok(
        `mutation($o: ID!, $r: ID!) { updateRole(organizationId: $o, roleId: $r, permissions: ["billing.read"]) { permissions } }`,
        { o: org, r: id },
        owner.as,
      ),
    ).toEqual({ updateRole: { permissions: ['billing.read'] } });
    expect(
      await t.client.error(
        `mutation($o: ID!) { createRole(organizationId: $o, name: "billing", permissions: []) { id } }`,
        { o: org },
        owner.as,
      ),
    ).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(
      await t.client.error(
        `mutation($o: ID!) { createRole(organizationId: $o, name: "X", permissions: ["nope.nope"]) { id } }`,
        { o: org },
        owner.as,
      ),
    ).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    expect(
      await t.client.error(
        `mutation($o: ID!) { updateRole(organizationId: $o, roleId: "admin", name: "Boss") { id } }`,
        { o: org },
        owner.as,
      ),
    ).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'BUILTIN_ROLE',
    });
    expect(
      await t.client.error(
        `mutation($o: ID!) { deleteRole(organizationId: $o, roleId: "viewer") }`,
        { o: org },
        owner.as,
      ),
    ).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'BUILTIN_ROLE',
    });
    expect(
      await t.client.ok(
        `mutation($o: ID!, $r: ID!) { deleteRole(organizationId: $o, roleId: $r) }`,
        { o: org, r: id },
        owner.as,
      ),
    ).toEqual({ deleteRole: true });
    expect(
      await t.client.error(
        `query($o: ID!, $r: ID!) { role(organizationId: $o, roleId: $r) { id } }`,
        { o: org, r: id },
        owner.as,
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await t.client.error(
        `mutation($o: ID!, $r: ID!) { deleteRole(organizationId: $o, roleId: $r) }`,
        { o: org, r: id },
        owner.as,
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a custom role gives exactly its permissions', async () => {
    const { org, member, owner } = await teamWithMember('viewer');
    const role = await t.client.ok<{ createRole: { id: string } }>(
      `mutation($o: ID!) { createRole(organizationId: $o, name: "Inviter", permissions: ["org.read", "org.manage_members"]) { id } }`,
      { o: org },
      owner.as,
    );
    await t.client.ok(ASSIGN, { o: org, m: member.id, id: role.createRole.id }, owner.as);
    expect(
      await t.client.ok(`query($o: ID!) { myPermissions(organizationId: $o) }`, { o: org }, member.as),
    ).toEqual({ myPermissions: ['org.read', 'org.manage_members'] });
    expect(
      await t.client.ok(
        `query($o: ID!) { checkPermission(organizationId: $o, permission: "org.manage_members") { allowed } }`,
        { o: org },
        member.as,
      ),
    ).toEqual({
      checkPermission: { allowed: true },
    });
    expect(
      await t.client.ok(
        `query($o: ID!) { checkPermission(organizationId: $o, permission: "org.manage_roles") { allowed } }`,
        { o: org },
        member.as,
      ),
    ).toEqual({
      checkPermission: { allowed: false },
    });
    await t.client.ok(INVITE, { o: org, e: uniqueEmail() }, member.as);
    expect(
      await t.client.error(
        `mutation($o: ID!, $r: ID!) { deleteRole(organizationId: $o, roleId: $r) }`,
        { o: org, r: role.createRole.id },
        owner.as,
      ),
    ).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'ROLE_IN_USE',
    });
  });

  it("`default` for a caller without organization is VALIDATION_ERROR NO_ORGANIZATION (the spec's 400), not a 404", async () => {
    const user = await t.client.user('orphan');
    // No flow leaves a user without any membership today; emptying the read model reaches that state.
    await t.service.dataSource.query(`delete from members where user_id = $1`, [user.id]);
    for (const query of [
      `{ apiKeys(organizationId: "default") { id } }`,
      `mutation { createApiKey(organizationId: "default", name: "k") { key } }`,
      `{ auditLogs(organizationId: "default") { total } }`,
    ])
      expect(await t.client.error(query, {}, user.as)).toEqual({
        code: 'VALIDATION_ERROR',
        reason: 'NO_ORGANIZATION',
        message: 'User has no organization',
      });
  });

  it('the permission catalog lists name, resource type and action', async () => {
    const user = await t.client.user();
    const data = await t.client.ok<{ permissions: { name: string; resourceType: string; action: string }[] }>(
      `{ permissions { name resourceType action } }`,
      {},
      user.as,
    );
    expect(data.permissions).toContainEqual({
      name: 'org.manage_members',
      resourceType: 'org',
      action: 'manage_members',
    });
    expect(data.permissions).toContainEqual({
      name: 'org.manage_roles',
      resourceType: 'org',
      action: 'manage_roles',
    });
  });

  it('Serebro agencies have locations as child organizations; agency members reach their locations', async () => {
    const owner = await t.client.user('agency');
    const agency = await t.client.ok<{ createAgency: { id: string; kind: string } }>(
      `mutation { createAgency(name: "Agency") { id kind } }`,
      {},
      owner.as,
    );
    const location = await t.client.ok<{
      createLocation: { id: string; kind: string; parent: { id: string } };
    }>(
      `mutation($a: ID!) { createLocation(agencyId: $a, name: "Downtown") { id kind parent { id } } }`,
      { a: agency.createAgency.id },
      owner.as,
    );
    expect(location.createLocation).toMatchObject({
      kind: 'LOCATION',
      parent: { id: agency.createAgency.id },
    });
    const children = await t.client.ok(
      `query($a: ID!) { organization(id: $a) { children { name } } }`,
      { a: agency.createAgency.id },
      owner.as,
    );
    expect(children).toEqual({ organization: { children: [{ name: 'Downtown' }] } });
    // an API key of the location acts there only
    const key = await t.client.ok<{ createApiKey: { key: string } }>(
      `mutation($o: ID!) { createApiKey(organizationId: $o, name: "v1") { key } }`,
      { o: location.createLocation.id },
      owner.as,
    );
    const caller = await t.client.callerFor(key.createApiKey.key, 'bearer');
    expect(caller).toMatchObject({ organizationId: location.createLocation.id, via: 'api_key' });
    const other = await t.client.user();
    expect(
      await t.client.error(
        `mutation($a: ID!) { createLocation(agencyId: $a, name: "X") { id } }`,
        { a: agency.createAgency.id },
        other.as,
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
