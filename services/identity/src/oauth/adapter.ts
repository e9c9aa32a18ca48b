import type { DataSource } from 'typeorm';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's storage in identity's database: one table, `oauth_models`, keyed by (model, id)
 * with the payload as jsonb, its expiry and when it was consumed (authorization codes, rotated
 * refresh tokens). Expired rows are never returned and are deleted in the background (`sweep`).
 * `grant_id` and `uid` are columns of their own for the adapter's two lookups besides the key.
 *
 * Clients are not stored here: the `Client` model reads the marketplace app registry
 * (`clients`, see provider.ts), so an app's redirect URIs and scopes are always its current ones.
 */
export function postgresAdapter(
  dataSource: DataSource,
  clients: (clientId: string) => Promise<AdapterPayload | undefined>,
  onGrantDestroyed: (grantId: string) => Promise<void>,
) {
  return (model: string): Adapter => {
    if (model === 'Client') return clientAdapter(clients);
    const row = async (where: string, value: string): Promise<AdapterPayload | undefined> => {
      const rows: { payload: AdapterPayload; consumed_at: Date | null }[] = await dataSource.query(
        `select payload, consumed_at from oauth_models
         where model = $1 and ${where} = $2 and (expires_at is null or expires_at > now())`,
        [model, value],
      );
      const found = rows[0];
      if (!found) return undefined;
      return found.consumed_at
        ? { ...found.payload, consumed: Math.floor(found.consumed_at.getTime() / 1000) }
        : found.payload;
    };
    return {
      async upsert(id, payload, expiresIn) {
        await dataSource.query(
          `insert into oauth_models (model, id, payload, grant_id, uid, user_code, expires_at)
           values ($1, $2, $3, $4, $5, $6, case when $7::int is null then null else now() + make_interval(secs => $7::int) end)
           on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
             uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`,
          [
            model,
            id,
            payload,
            payload.grantId ?? null,
            payload.uid ?? null,
            payload.userCode ?? null,
            typeof expiresIn === 'number' ? Math.ceil(expiresIn) : null,
          ],
        );
      },
      find: (id) => row('id', id),
      findByUid: (uid) => row('uid', uid),
      findByUserCode: (userCode) => row('user_code', userCode),
      async consume(id) {
        await dataSource.query(
          `update oauth_models set consumed_at = now() where model = $1 and id = $2 and consumed_at is null`,
          [model, id],
        );
      },
      async destroy(id) {
        await dataSource.query(`delete from oauth_models where model = $1 and id = $2`, [model, id]);
        if (model === 'Grant') await onGrantDestroyed(id);
      },
      async revokeByGrantId(grantId) {
        await dataSource.query(`delete from oauth_models where model = $1 and grant_id = $2`, [
          model,
          grantId,
        ]);
      },
    };
  };
}

function clientAdapter(clients: (clientId: string) => Promise<AdapterPayload | undefined>): Adapter {
  const readOnly = () => Promise.reject(new Error('clients are managed by the marketplace app registry'));
  return {
    find: clients,
    findByUid: () => Promise.resolve(undefined),
    findByUserCode: () => Promise.resolve(undefined),
    upsert: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: () => Promise.resolve(),
  };
}

/** Deletes expired rows (their reads already ignore them). */
export async function sweepExpired(dataSource: DataSource): Promise<number> {
  const result: [unknown[], number] = await dataSource.query(
    `delete from oauth_models where expires_at < now() - interval '1 minute'`,
  );
  return result[1] ?? 0;
}
