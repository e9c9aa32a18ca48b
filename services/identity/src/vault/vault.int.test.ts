import { startTestIdentity, type TestIdentity } from '../test/harness';
import { openCredential, rewrapVaultCredentials, sealCredential } from './service';

// The vault against real PostgreSQL: a round trip, masked lists, the clear value nowhere in the
// tables, events or answers, and a key-encryption key rotation re-wrapping the data keys.

const STORE = `mutation($o: ID!, $n: String!, $k: VaultCredentialKind, $v: String!) {
  storeVaultCredential(organizationId: $o, name: $n, kind: $k, value: $v) { id name kind masked } }`;
const LIST = `query($o: ID!) { vaultCredentials(organizationId: $o) { id name kind masked } }`;
const DELETE = `mutation($o: ID!, $c: ID!) { deleteVaultCredential(organizationId: $o, credentialId: $c) { id } }`;

describe('vault', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  it('seals, lists masked, opens for its organization only, and never stores or events the clear value', async () => {
    const owner = await t.client.user('vault');
    const org = await t.client.team(owner);
    const secret = 'sk_live_51H8abcdefghijklmnop1234';
    const stored = await t.client.ok<{ storeVaultCredential: { id: string; masked: string } }>(
      STORE,
      { o: org, n: 'stripe', k: 'API_KEY', v: secret },
      owner.as,
    );
    expect(stored.storeVaultCredential.masked).toBe('sk_…1234');
    const id = stored.storeVaultCredential.id;
    const listed = await t.client.graphql(LIST, { o: org }, owner.as);
    expect(listed.data).toEqual({
      vaultCredentials: [{ id, name: 'stripe', kind: 'API_KEY', masked: 'sk_…1234' }],
    });

    const identity = t.service.identity;
    expect(await openCredential(identity, { organizationId: org, credentialId: id })).toBe(secret);
    expect(await openCredential(identity, { organizationId: org, name: 'STRIPE' })).toBe(secret);
    const elsewhere = await t.client.team(owner, 'Other');
    await expect(
      openCredential(identity, { organizationId: elsewhere, credentialId: id }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const everywhere = JSON.stringify(
      await identity.dataSource.query(
        `select (select json_agg(e) from events e where e.stream_id = $1) as events,
                (select json_agg(s) from vault_sealed s where s.credential_id = $2) as sealed,
                (select json_agg(c) from vault_credentials c where c.id = $2) as credentials`,
        [`vault-credential-${id}`, id],
      ),
    );
    expect(everywhere).toContain('VaultCredentialSealed');
    expect(everywhere).not.toContain('51H8abcdefghijklmnop');

    // the same name again replaces the value, same id
    const replaced = await t.client.ok<{ storeVaultCredential: { id: string; masked: string } }>(
      STORE,
      { o: org, n: 'stripe', k: 'API_KEY', v: 'sk_live_replacement0000009999' },
      owner.as,
    );
    expect(replaced.storeVaultCredential).toEqual({
      id,
      name: 'stripe',
      kind: 'API_KEY',
      masked: 'sk_…9999',
    });
    expect(await openCredential(identity, { organizationId: org, credentialId: id })).toBe(
      'sk_live_replacement0000009999',
    );

    // others cannot list or delete it
    const stranger = await t.client.user('stranger');
    expect(await t.client.error(LIST, { o: org }, stranger.as)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.client.error(DELETE, { o: org, c: id }, stranger.as)).toMatchObject({ code: 'NOT_FOUND' });

    await t.client.ok(DELETE, { o: org, c: id }, owner.as);
    expect(await t.client.ok(LIST, { o: org }, owner.as)).toEqual({ vaultCredentials: [] });
    await expect(openCredential(identity, { organizationId: org, credentialId: id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await identity.dataSource.query(`select 1 from vault_sealed where credential_id = $1`, [id]),
    ).toEqual([]);
  });

  it('a KEK rotation: identity restarted with a new key re-wraps every data key at start; values open as before', async () => {
    const owner = await t.client.user('rotation');
    const org = await t.client.team(owner);
    const identity = t.service.identity;
    const first = await sealCredential(identity, {
      organizationId: org,
      name: 'hubspot',
      kind: 'oauth_token',
      value: 'tok-AAAA-1111',
    });
    const second = await sealCredential(identity, {
      organizationId: org,
      name: 'mailgun',
      value: 'key-BBBB-2222',
    });
    const db = ((await identity.dataSource.query(`select current_database() as db`)) as { db: string }[])[0]!
      .db;

    // the same database, started with a new key id and secret and the old pair as a previous key
    const restarted = await startTestIdentity({
      env: {
        IDENTITY_DATABASE: db,
        AUDIT_LOG_CONSUMER: 'false',
        VAULT_KEK_ID: 'k2',
        VAULT_KEK_SECRET: 'a-brand-new-vault-secret-of-at-least-32-chars',
        VAULT_PREVIOUS_KEKS: `${identity.config.VAULT_KEK_ID}:${identity.config.VAULT_KEK_SECRET}`,
      },
    });
    try {
      const rows: { key_id: string }[] = await identity.dataSource.query(
        `select key_id from vault_sealed where credential_id = any($1)`,
        [[first.id, second.id]],
      );
      expect(rows.map((r) => r.key_id)).toEqual(['k2', 'k2']);
      const again = restarted.service.identity;
      expect(await openCredential(again, { organizationId: org, credentialId: first.id })).toBe(
        'tok-AAAA-1111',
      );
      expect(await openCredential(again, { organizationId: org, name: 'mailgun' })).toBe('key-BBBB-2222');
      // the old key alone no longer opens them
      await expect(openCredential(identity, { organizationId: org, credentialId: first.id })).rejects.toThrow(
        /no key-encryption key "k2"/,
      );
      // once re-wrapped, the old pair can go from the configuration: nothing is lost
      const onlyNew = { ...again, config: { ...again.config, VAULT_PREVIOUS_KEKS: '' } };
      expect(await openCredential(onlyNew, { organizationId: org, credentialId: second.id })).toBe(
        'key-BBBB-2222',
      );
      expect(await rewrapVaultCredentials(onlyNew)).toEqual({ rewrapped: 0, unreadable: 0 });
      // a key that is not configured at all is reported, not guessed
      const unknownKey = {
        ...again,
        config: {
          ...again.config,
          VAULT_KEK_ID: 'k3',
          VAULT_KEK_SECRET: 'yet-another-secret-of-at-least-32-characters',
          VAULT_PREVIOUS_KEKS: '',
        },
      };
      expect((await rewrapVaultCredentials(unknownKey)).unreadable).toBeGreaterThanOrEqual(2);
    } finally {
      await restarted.close();
    }
  });
});
