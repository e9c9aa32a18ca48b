import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, transaction, type RequestOrigin } from '@seren/service-kit';
import { open, seal, type Sealed } from '@seren/service-kit/sealing';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';
import { locationOf } from '../locations.js';
import { invalidFields } from '../pagination.js';
import { uniqueViolationOf } from '../unique.js';
import { credentialStream } from './credential.js';
import {
  credentialDecider,
  credentialErrors,
  credentialNameOf,
  valueProblems,
  type CredentialCommand,
  type CredentialInput,
  type CredentialValues,
} from './decide.js';
import { credentialByName, credentialsOf, findCredential, type CredentialView } from './queries.js';

// A location's credential store (spec §4.2: "store and mask secret keys, with user-friendly
// rotation"). The secrets of one version are sealed together (one JSON object) under crm's keyring,
// bound to `<credentialId>#<version>` so a sealed row cannot be moved to another credential or
// version. Rotation seals version n + 1 and keeps version n (the previous secrets) until the next
// rotation replaces it, so a receiver can be moved over while both work.

interface SecretRow {
  version: number;
  key_id: string;
  wrapped_key: string;
  sealed: string;
}

const sealedId = (credentialId: string, version: number) => `${credentialId}#${version}`;

function handleCredential(
  crm: Crm,
  manager: EntityManager,
  request: RequestOrigin,
  credentialId: string,
  command: CredentialCommand,
) {
  return handle(
    crm,
    manager,
    credentialStream(credentialId),
    credentialDecider,
    command,
    eventMetadataOf(request),
  );
}

async function storeSecrets(
  crm: Crm,
  manager: EntityManager,
  credentialId: string,
  version: number,
  values: CredentialValues,
) {
  const sealed = seal(crm.settings.keyring.current, sealedId(credentialId, version), JSON.stringify(values));
  await manager.query(
    `insert into credential_secrets (credential_id, version, key_id, wrapped_key, sealed) values ($1, $2, $3, $4, $5)`,
    [credentialId, version, sealed.keyId, sealed.wrappedKey, sealed.sealed],
  );
  // the previous version is kept (the overlap); anything older is gone
  await manager.query(`delete from credential_secrets where credential_id = $1 and version < $2`, [
    credentialId,
    version - 1,
  ]);
}

function openRow(crm: Crm, credentialId: string, row: SecretRow): CredentialValues {
  const sealed: Sealed = { keyId: row.key_id, wrappedKey: row.wrapped_key, sealed: row.sealed };
  return JSON.parse(
    open(crm.settings.keyring.all, sealedId(credentialId, row.version), sealed),
  ) as CredentialValues;
}

async function found(crm: Crm, locationId: string, credentialId: string): Promise<CredentialView> {
  const credential = await findCredential(crm, locationId, credentialId);
  if (!credential) throw credentialErrors.notFound('credential');
  return credential;
}

const duplicateName = (existing: CredentialView) =>
  invalidFields([
    { field: 'name', message: `a credential named "${existing.name}" exists (${existing.id})` },
  ]);

/**
 * Stores a named credential in the caller's location (name unique there, any case; kind api_key,
 * bearer, basic, header or other, default other) and answers it masked. The values are sealed in
 * the append's transaction; the event carries only their masked forms. Pass `manager` to take part
 * in a caller's transaction (e.g. a payment integration stored with its provider's keys).
 */
export async function createCredential(
  crm: Crm,
  caller: RequestOrigin,
  input: CredentialInput,
  options: { manager?: EntityManager } = {},
): Promise<CredentialView> {
  const locationId = locationOf(caller);
  const name = (input.name ?? '').trim();
  const existing = name ? await credentialByName(crm, locationId, name) : undefined;
  if (existing) throw duplicateName(existing);
  const credentialId = randomUUID();
  const work = async (manager: EntityManager) => {
    await handleCredential(crm, manager, caller, credentialId, {
      type: 'CreateCredential',
      credentialId,
      locationId,
      input,
      now: crm.now().toISOString(),
    });
    await storeSecrets(crm, manager, credentialId, 1, input.values!);
  };
  try {
    await (options.manager ? work(options.manager) : transaction(crm, work));
  } catch (error) {
    // a concurrent create of the same name lost the race at the unique index
    if (uniqueViolationOf(error)) {
      const winner = await credentialByName(crm, locationId, name);
      if (winner) throw duplicateName(winner);
    }
    throw error;
  }
  return found(crm, locationId, credentialId);
}

/**
 * Rotates a credential: the keys given get new values (new keys are added), the others keep theirs;
 * the secrets' version goes up by one and the previous version stays readable
 * (`openCredentialValues(..., {version: 'previous'})`) until the next rotation.
 */
export async function rotateCredential(
  crm: Crm,
  caller: RequestOrigin,
  credentialId: string,
  input: { values?: CredentialValues | null },
  options: { manager?: EntityManager } = {},
): Promise<CredentialView> {
  const locationId = locationOf(caller);
  await found(crm, locationId, credentialId);
  const problems = valueProblems(input.values);
  if (problems.length > 0) throw invalidFields(problems);
  const work = async (manager: EntityManager) => {
    // lock the credential's secrets so two rotations cannot both seal the same next version
    const rows: SecretRow[] = await manager.query(
      `select * from credential_secrets where credential_id = $1 order by version desc limit 1 for update`,
      [credentialId],
    );
    const current = rows[0];
    if (!current) throw credentialErrors.notFound('credential');
    const merged = { ...openRow(crm, credentialId, current), ...input.values! };
    await handleCredential(crm, manager, caller, credentialId, {
      type: 'RotateCredential',
      values: input.values!,
      merged,
      now: crm.now().toISOString(),
    });
    await storeSecrets(crm, manager, credentialId, current.version + 1, merged);
  };
  await (options.manager ? work(options.manager) : transaction(crm, work));
  return found(crm, locationId, credentialId);
}

/** Renaming is not offered: actions name a credential by id, and a name is what a user picks it by. */
export async function deleteCredential(
  crm: Crm,
  caller: RequestOrigin,
  credentialId: string,
): Promise<boolean> {
  const locationId = locationOf(caller);
  await found(crm, locationId, credentialId);
  await transaction(crm, (manager) =>
    handleCredential(crm, manager, caller, credentialId, {
      type: 'DeleteCredential',
      now: crm.now().toISOString(),
    }),
  );
  return true;
}

export function listCredentials(crm: Crm, caller: RequestOrigin): Promise<CredentialView[]> {
  return credentialsOf(crm, locationOf(caller));
}

export function getCredential(
  crm: Crm,
  caller: RequestOrigin,
  credentialId: string,
): Promise<CredentialView> {
  return found(crm, locationOf(caller), credentialId);
}

/**
 * The clear secrets of a location's credential: the only reader of clear values (custom webhook
 * actions, payment providers). 404 when the location has no such credential. Never log, event or
 * answer the result.
 */
export async function openCredentialValues(
  crm: Crm,
  locationId: string,
  credentialId: string,
  options: { version?: 'current' | 'previous' } = {},
): Promise<CredentialValues> {
  const rows: SecretRow[] = await crm.dataSource.query(
    `select s.* from credential_secrets s join credentials c on c.id = s.credential_id
      where c.id = $1 and c.location_id = $2 order by s.version desc limit 2`,
    [credentialId, locationId],
  );
  const row = options.version === 'previous' ? rows[1] : rows[0];
  if (!row)
    throw credentialErrors.notFound(
      options.version === 'previous' ? 'previous credential version' : 'credential',
    );
  return openRow(crm, credentialId, row);
}

/** A name check for callers that validate before creating (the same rule createCredential applies). */
export const credentialNameProblems = (name: string | null | undefined) => {
  const problems: ReturnType<typeof valueProblems> = [];
  credentialNameOf(name, problems);
  return problems;
};
