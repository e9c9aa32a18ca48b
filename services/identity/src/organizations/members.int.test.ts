import { startTestIdentity, verifyMailedAddress, type TestIdentity } from '../test/harness';

// Member.user and Member.role read through the request's DataLoaders: a members list costs one
// users query and at most one roles query, however many members it has.
describe('members list: users and roles read in batches', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  async function join(owner: { as: { token: string } }, org: string, role: string) {
    const member = await t.client.user('member');
    const count = t.mail.mails.length;
    await t.client.ok(
      `mutation($o: ID!, $e: String!, $r: String) { createInvite(organizationId: $o, email: $e, role: $r) { id } }`,
      { o: org, e: member.email, r: role },
      owner.as,
    );
    const mail = await t.mail.waitFor(member.email, /invited/i, count);
    await verifyMailedAddress(t, member.email);
    await t.client.ok(
      `mutation($t: String!) { acceptInvite(token: $t) { id } }`,
      { t: mail.token },
      member.as,
    );
    return member;
  }

  it('answers four members with one users query and one roles query', async () => {
    const owner = await t.client.user('owner');
    const org = await t.client.team(owner, 'Batch');
    await t.client.ok(
      `mutation($o: ID!) { createRole(organizationId: $o, name: "auditor", permissions: ["org.read"]) { id } }`,
      { o: org },
      owner.as,
    );
    const members = [
      await join(owner, org, 'viewer'),
      await join(owner, org, 'auditor'),
      await join(owner, org, 'auditor'),
    ];

    const query = jest.spyOn(t.service.identity.dataSource, 'query');
    let data: { members: { id: string; user: { email: string }; role: { name: string } }[] };
    let statements: string[];
    try {
      data = await t.client.ok(
        `query($o: ID!) { members(organizationId: $o) { id user { email } role { name } } }`,
        { o: org },
        owner.as,
      );
      statements = query.mock.calls.map((call) => String(call[0]));
    } finally {
      query.mockRestore();
    }
    expect(data.members.map((m) => [m.user.email, m.role.name]).sort()).toEqual(
      [
        [owner.email, 'owner'],
        [members[0]!.email, 'viewer'],
        [members[1]!.email, 'auditor'],
        [members[2]!.email, 'auditor'],
      ].sort(),
    );
    // the user rows (access checks read other columns of the caller alone)
    expect(statements.filter((sql) => /select \* from users where id/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /select \* from roles where id/.test(sql))).toHaveLength(1);
  });
});
