import { open, rewrap, seal } from '@seren/service-kit/sealing';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import type { SecretField } from './fields.js';

// A publisher's upstream secrets (its API key, api_headers, connection string, OAuth client secret,
// database_config) are sealed (envelope encryption, @seren/service-kit/sealing) under commerce's
// KEK (COMMERCE_KEK_ID / COMMERCE_KEK_SECRET) in `publisher_secrets`, one row per secret, written in
// the transaction of the publisher's event; the event and every answer carry only the masked form.
// The additional data binds each sealed value to its publisher and name: no row can be moved onto
// another publisher.

const credentialId = (publisherId: string, name: SecretField) => `publisher:${publisherId}:${name}`;

/** Seals the secrets given (null deletes one) for the publisher, in `tx`. */
export async function storePublisherSecrets(
  commerce: Pick<Commerce, 'publishers'>,
  tx: EntityManager,
  publisherId: string,
  secrets: Partial<Record<SecretField, string | null>>,
): Promise<void> {
  for (const [name, value] of Object.entries(secrets) as [SecretField, string | null | undefined][]) {
    if (value === undefined) continue;
    if (value === null) {
      await tx.query(`delete from publisher_secrets where publisher_id = $1 and name = $2`, [
        publisherId,
        name,
      ]);
      continue;
    }
    const sealed = seal(commerce.publishers.keyring.current, credentialId(publisherId, name), value);
    await tx.query(
      `insert into publisher_secrets (publisher_id, name, key_id, wrapped_key, sealed) values ($1, $2, $3, $4, $5)
       on conflict (publisher_id, name) do update set key_id = excluded.key_id, wrapped_key = excluded.wrapped_key,
         sealed = excluded.sealed, sealed_at = now()`,
      [publisherId, name, sealed.keyId, sealed.wrappedKey, sealed.sealed],
    );
  }
}

/** A publisher's secrets in clear, for calling its upstream. Never log, event or answer them. */
export interface PublisherSecrets {
  /** injected as `api_key_header` (or `api_key_query_param`) */
  upstreamApiKey?: string;
  /** extra headers sent upstream (`api_headers`) */
  apiHeaders?: Record<string, string>;
  /** database publishers: `connection_string`, or `database_config.connection_string` */
  connectionString?: string;
  /** auth_type oauth2_cc: the client secret for the token endpoint */
  oauth2ClientSecret?: string;
  /** the provider-specific `database_config` object */
  databaseConfig?: Record<string, unknown>;
}

/**
 * Opens the publisher's sealed secrets (one query; only the ones it has). Throws when a secret was
 * sealed under a KEK this process is not configured with (COMMERCE_PREVIOUS_KEKS after a rotation).
 */
export async function openPublisherSecrets(
  commerce: Pick<Commerce, 'publishers' | 'dataSource'>,
  publisher: { id: string },
  manager: EntityManager = commerce.dataSource.manager,
): Promise<PublisherSecrets> {
  const rows: { name: SecretField; key_id: string; wrapped_key: string; sealed: string }[] =
    await manager.query(
      `select name, key_id, wrapped_key, sealed from publisher_secrets where publisher_id = $1`,
      [publisher.id],
    );
  const clear = new Map(
    rows.map((row) => [
      row.name,
      open(commerce.publishers.keyring.all, credentialId(publisher.id, row.name), {
        keyId: row.key_id,
        wrappedKey: row.wrapped_key,
        sealed: row.sealed,
      }),
    ]),
  );
  const json = (name: SecretField) => {
    const value = clear.get(name);
    return value === undefined ? undefined : (JSON.parse(value) as Record<string, unknown>);
  };
  const databaseConfig = json('database_config');
  const fromConfig =
    typeof databaseConfig?.connection_string === 'string' ? databaseConfig.connection_string : undefined;
  const secrets: PublisherSecrets = {};
  if (clear.has('upstream_api_key')) secrets.upstreamApiKey = clear.get('upstream_api_key');
  if (clear.has('api_headers')) secrets.apiHeaders = json('api_headers') as Record<string, string>;
  const connection = clear.get('connection_string') ?? fromConfig;
  if (connection !== undefined) secrets.connectionString = connection;
  if (clear.has('oauth2_client_secret')) secrets.oauth2ClientSecret = clear.get('oauth2_client_secret');
  if (databaseConfig) secrets.databaseConfig = databaseConfig;
  return secrets;
}

/**
 * Re-wraps the data key of every publisher secret not under the current KEK (after COMMERCE_KEK_ID /
 * SECRET changed and the old pair moved to COMMERCE_PREVIOUS_KEKS); the sealed values are untouched.
 * Idempotent, and safe beside other instances (each row moves only from the key id it was read with).
 * A key no configured KEK can unwrap is left as it is and counted.
 */
export async function rewrapPublisherSecrets(
  commerce: Pick<Commerce, 'publishers' | 'dataSource'>,
): Promise<{ rewrapped: number; unreadable: number }> {
  const { current, all } = commerce.publishers.keyring;
  const rows: {
    publisher_id: string;
    name: SecretField;
    key_id: string;
    wrapped_key: string;
    sealed: string;
  }[] = await commerce.dataSource.query(
    `select publisher_id, name, key_id, wrapped_key, sealed from publisher_secrets where key_id <> $1`,
    [current.id],
  );
  let rewrapped = 0;
  let unreadable = 0;
  for (const row of rows) {
    if (!all.has(row.key_id)) {
      unreadable++;
      continue;
    }
    const next = rewrap(all, current, credentialId(row.publisher_id, row.name), {
      keyId: row.key_id,
      wrappedKey: row.wrapped_key,
      sealed: row.sealed,
    });
    const updated: unknown[] = await commerce.dataSource.query(
      `update publisher_secrets set key_id = $3, wrapped_key = $4
       where publisher_id = $1 and name = $2 and key_id = $5 returning 1`,
      [row.publisher_id, row.name, next.keyId, next.wrappedKey, row.key_id],
    );
    rewrapped += updated.length;
  }
  return { rewrapped, unreadable };
}

/** Runs the re-wrap once at start, in the background (its outcome is logged, never the values). */
export function rewrapPublisherSecretsAtStart(commerce: Commerce): void {
  rewrapPublisherSecrets(commerce).then(
    (result) => {
      if (result.rewrapped || result.unreadable) commerce.logger.info(result, 'publisher secrets re-wrapped');
      if (result.unreadable)
        commerce.logger.warn(result, 'publisher secrets under a KEK not configured (COMMERCE_PREVIOUS_KEKS)');
    },
    (error: unknown) => commerce.logger.warn({ err: error }, 're-wrapping publisher secrets failed'),
  );
}
