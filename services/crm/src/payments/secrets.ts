import { randomUUID } from 'node:crypto';
import { mask, open, seal } from '@seren/service-kit/sealing';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';
import type { ModeKeys } from './connection.js';

// Where a connection's provider keys live: sealed under crm's keyring (`crm.settings.keyring`),
// one row per mode's keys, bound to its id so a sealed row cannot be moved to another. These two
// functions are the only way in and out, so moving to the location's credential store
// (credentials/: createCredential / openCredentialValues) changes this file only.

export type ProviderKeys = Record<string, string>;

/** Seals `keys` (in `manager`'s transaction) and answers how events and reads name them. */
export async function storeProviderKeys(
  crm: Crm,
  manager: EntityManager,
  locationId: string,
  keys: ProviderKeys,
): Promise<ModeKeys> {
  const credentialId = randomUUID();
  const sealed = seal(crm.settings.keyring.current, `payment-keys:${credentialId}`, JSON.stringify(keys));
  await manager.query(
    `insert into payment_secrets (credential_id, location_id, key_id, wrapped_key, sealed) values ($1, $2, $3, $4, $5)`,
    [credentialId, locationId, sealed.keyId, sealed.wrappedKey, sealed.sealed],
  );
  return {
    credentialId,
    masked: Object.fromEntries(Object.entries(keys).map(([name, value]) => [name, mask(value)])),
  };
}

/** The clear keys: for calling the provider and checking its webhooks only. Never log, event or answer them. */
export async function openProviderKeys(
  crm: Crm,
  locationId: string,
  credentialId: string,
): Promise<ProviderKeys> {
  const rows: { key_id: string; wrapped_key: string; sealed: string }[] = await crm.dataSource.query(
    `select key_id, wrapped_key, sealed from payment_secrets where credential_id = $1 and location_id = $2`,
    [credentialId, locationId],
  );
  const row = rows[0];
  if (!row) throw new Error(`payment keys ${credentialId} are missing`);
  return JSON.parse(
    open(crm.settings.keyring.all, `payment-keys:${credentialId}`, {
      keyId: row.key_id,
      wrappedKey: row.wrapped_key,
      sealed: row.sealed,
    }),
  ) as ProviderKeys;
}
