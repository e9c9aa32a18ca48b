import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, notFound, transaction, type RequestOrigin } from '@seren/service-kit';
import { anonymous } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { iso, type Identity } from '../platform/app.js';
import type { RequestInfo } from '../platform/request.js';
import { authorize } from '../organizations/access.js';
import { MANAGE_INTEGRATIONS } from '../marketplace/permission.js';
import { vaultStream, type VaultKind } from './credential.js';
import { vaultDecider, vaultName, vaultValue, type VaultCommand } from './decide.js';
import { keyring, mask, open, rewrap, seal, type Keyring, type Sealed } from '@seren/service-kit/sealing';

/** A vault credential as listed: never its value, only the masked form (`sk_…1234`). */
export interface VaultCredentialView {
  id: string;
  organizationId: string;
  name: string;
  kind: VaultKind;
  masked: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

type Row = Record<string, unknown>;

const toView = (r: Row): VaultCredentialView => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  name: r.name as string,
  kind: r.kind as VaultKind,
  masked: r.masked as string,
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: iso(r.created_at as Date)!,
  updatedAt: iso(r.updated_at as Date)!,
});

const keyrings = new WeakMap<Identity['config'], Keyring>();

/** The current KEK and every one able to unwrap (the retired ones of VAULT_PREVIOUS_KEKS), derived once. */
function keyringOf(identity: Identity): Keyring {
  let ring = keyrings.get(identity.config);
  if (!ring) {
    const { VAULT_KEK_ID, VAULT_KEK_SECRET, VAULT_PREVIOUS_KEKS } = identity.config;
    ring = keyring(VAULT_KEK_ID, VAULT_KEK_SECRET, VAULT_PREVIOUS_KEKS);
    keyrings.set(identity.config, ring);
  }
  return ring;
}

function handleVault(
  identity: Identity,
  manager: EntityManager | undefined,
  credentialId: string,
  organizationId: string,
  command: VaultCommand,
  request: RequestOrigin,
) {
  return handle(
    identity,
    manager,
    vaultStream(credentialId),
    vaultDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

const SYSTEM: RequestOrigin = { caller: anonymous };

async function findByName(manager: EntityManager, organizationId: string, name: string) {
  const rows: Row[] = await manager.query(
    `select * from vault_credentials where organization_id = $1 and lower(name) = lower($2)`,
    [organizationId, name],
  );
  return rows[0] && toView(rows[0]);
}

/**
 * Seals a third-party credential of an organization under `name` (a second seal under the same
 * name replaces the value, same id). For identity's code and later the crm webhook engine; no
 * permission check here (GraphQL's `storeVaultCredential` checks). The value is never logged nor
 * evented: the event carries its masked form.
 */
export async function sealCredential(
  identity: Identity,
  input: { organizationId: string; name: string; kind?: VaultKind; value: string },
  options: { request?: RequestOrigin; manager?: EntityManager } = {},
): Promise<VaultCredentialView> {
  const value = vaultValue(input.value);
  const name = vaultName(input.name);
  const request = options.request ?? SYSTEM;
  const work = async (manager: EntityManager) => {
    const existing = await findByName(manager, input.organizationId, name);
    const credentialId = existing?.id ?? randomUUID();
    await handleVault(
      identity,
      manager,
      credentialId,
      input.organizationId,
      {
        type: 'SealCredential',
        credentialId,
        organizationId: input.organizationId,
        name,
        kind: input.kind ?? 'other',
        masked: mask(value),
        by: request.caller.subject ?? null,
        now: identity.now().toISOString(),
      },
      request,
    );
    const sealed = seal(keyringOf(identity).current, credentialId, value);
    await manager.query(
      `insert into vault_sealed (credential_id, key_id, wrapped_key, sealed) values ($1, $2, $3, $4)
       on conflict (credential_id) do update set key_id = excluded.key_id, wrapped_key = excluded.wrapped_key,
         sealed = excluded.sealed, sealed_at = now()`,
      [credentialId, sealed.keyId, sealed.wrappedKey, sealed.sealed],
    );
    const rows: Row[] = await manager.query(`select * from vault_credentials where id = $1`, [credentialId]);
    return toView(rows[0]!);
  };
  return options.manager ? work(options.manager) : transaction(identity, work);
}

/**
 * The clear value of an organization's credential (by id or by name), for identity's code and the
 * crm webhook engine; 404 when the organization has no such credential. Never log the answer.
 */
export async function openCredential(
  identity: Identity,
  input: { organizationId: string } & ({ credentialId: string } | { name: string }),
): Promise<string> {
  const [column, value] =
    'credentialId' in input ? ['c.id = $2', input.credentialId] : ['lower(c.name) = lower($2)', input.name];
  const rows: { id: string; key_id: string; wrapped_key: string; sealed: string }[] =
    await identity.dataSource.query(
      `select c.id, s.key_id, s.wrapped_key, s.sealed from vault_credentials c join vault_sealed s on s.credential_id = c.id
     where c.organization_id = $1 and ${column}`,
      [input.organizationId, value],
    );
  const row = rows[0];
  if (!row) throw notFound('credential');
  const sealed: Sealed = { keyId: row.key_id, wrappedKey: row.wrapped_key, sealed: row.sealed };
  return open(keyringOf(identity).all, row.id, sealed);
}

/**
 * Deletes an organization's credential by name, for identity's own code (connected accounts drop
 * their tokens); no permission check here. False when there was none.
 */
export async function deleteSealedCredential(
  identity: Identity,
  input: { organizationId: string; name: string },
  options: { request?: RequestOrigin; manager?: EntityManager } = {},
): Promise<boolean> {
  const request = options.request ?? SYSTEM;
  const work = async (manager: EntityManager) => {
    const existing = await findByName(manager, input.organizationId, input.name);
    if (!existing) return false;
    await handleVault(
      identity,
      manager,
      existing.id,
      input.organizationId,
      { type: 'DeleteCredential', by: request.caller.subject ?? null, now: identity.now().toISOString() },
      request,
    );
    await manager.query(`delete from vault_sealed where credential_id = $1`, [existing.id]);
    return true;
  };
  return options.manager ? work(options.manager) : transaction(identity, work);
}

/**
 * Re-wraps every data key not under the current KEK (after VAULT_KEK_ID/SECRET changed and the old
 * pair moved to VAULT_PREVIOUS_KEKS); the sealed values are untouched. Run at start; idempotent.
 * Keys it cannot unwrap (no such KEK configured) are left as they are and counted.
 */
export async function rewrapVaultCredentials(
  identity: Identity,
): Promise<{ rewrapped: number; unreadable: number }> {
  const { current, all } = keyringOf(identity);
  const rows: { credential_id: string; key_id: string; wrapped_key: string; sealed: string }[] =
    await identity.dataSource.query(`select * from vault_sealed where key_id <> $1`, [current.id]);
  let rewrapped = 0;
  let unreadable = 0;
  for (const row of rows) {
    if (!all.has(row.key_id)) {
      unreadable++;
      continue;
    }
    const next = rewrap(all, current, row.credential_id, {
      keyId: row.key_id,
      wrappedKey: row.wrapped_key,
      sealed: row.sealed,
    });
    const updated: unknown[] = await identity.dataSource.query(
      `update vault_sealed set key_id = $2, wrapped_key = $3 where credential_id = $1 and key_id = $4 returning 1`,
      [row.credential_id, next.keyId, next.wrappedKey, row.key_id],
    );
    rewrapped += updated.length > 0 ? 1 : 0;
  }
  return { rewrapped, unreadable };
}

// ---- GraphQL ---------------------------------------------------------------------------------

export async function listVaultCredentials(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<VaultCredentialView[]> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const rows: Row[] = await identity.dataSource.query(
    `select * from vault_credentials where organization_id = $1 order by lower(name), id`,
    [membership.organizationId],
  );
  return rows.map(toView);
}

export async function storeVaultCredential(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  input: { name: string; kind?: VaultKind | null; value: string },
): Promise<VaultCredentialView> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  return sealCredential(
    identity,
    {
      organizationId: membership.organizationId,
      name: input.name,
      kind: input.kind ?? undefined,
      value: input.value,
    },
    { request },
  );
}

export async function deleteVaultCredential(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  credentialId: string,
): Promise<VaultCredentialView> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const rows: Row[] = await identity.dataSource.query(
    `select * from vault_credentials where id = $1 and organization_id = $2`,
    [credentialId, membership.organizationId],
  );
  if (!rows[0]) throw notFound('credential');
  await transaction(identity, async (manager) => {
    await handleVault(
      identity,
      manager,
      credentialId,
      membership.organizationId,
      { type: 'DeleteCredential', by: membership.userId, now: identity.now().toISOString() },
      request,
    );
    await manager.query(`delete from vault_sealed where credential_id = $1`, [credentialId]);
  });
  return toView(rows[0]);
}

/** At start: re-wraps what a KEK rotation left under a retired key, and says so in the log (counts only). */
export async function rewrapVaultAtStart(identity: Identity): Promise<void> {
  const { rewrapped, unreadable } = await rewrapVaultCredentials(identity);
  if (rewrapped > 0 || unreadable > 0)
    identity.logger.info(
      { rewrapped, unreadable, keyId: identity.config.VAULT_KEK_ID },
      'vault data keys re-wrapped',
    );
  if (unreadable > 0)
    identity.logger.error(
      { unreadable },
      'vault credentials under a key-encryption key that is not configured',
    );
}
