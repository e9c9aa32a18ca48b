import type { Decider, EventMetadata, EventShape, EventStore } from '@seren/event-store';
import { conflict, type Logger } from '@seren/service-kit';
import type { DataSource, EntityManager } from 'typeorm';
import type { IdentityConfig } from '../config.js';
import type { Mailer } from '../mail/mailer.js';
import type { Tokens } from '../tokens/tokens.js';
import type { SigningKeys } from '../tokens/signing-keys.js';

/** What the application layer works with; built once in service.ts. */
export interface Identity {
  dataSource: DataSource;
  store: EventStore;
  tokens: Tokens;
  signingKeys: SigningKeys;
  mailer: Mailer;
  config: IdentityConfig;
  logger: Logger;
  /** the clock (tests may move it) */
  now: () => Date;
}

/** Runs work in one transaction: several streams and the credentials table change together or not at all. */
export function transaction<T>(identity: Identity, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return identity.dataSource.transaction(work);
}

/** Loads a stream, decides and appends (with retries on concurrent writers), inside `manager`'s transaction. */
export async function handle<State, Command, E extends EventShape>(
  identity: Identity,
  manager: EntityManager | undefined,
  streamId: string,
  decider: Decider<State, Command, E>,
  command: Command,
  metadata: EventMetadata,
) {
  return identity.store.handle(streamId, decider, command, { manager, metadata });
}

/** Maps a unique-index violation of a read model to a domain conflict. */
export async function uniquely<T>(
  work: () => Promise<T>,
  onViolation: (constraint: string) => Error,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const pg = error as {
      driverError?: { code?: string; constraint?: string };
      code?: string;
      constraint?: string;
    };
    const code = pg.driverError?.code ?? pg.code;
    if (code === '23505') throw onViolation(pg.driverError?.constraint ?? pg.constraint ?? '');
    throw error;
  }
}

export const emailExists = () =>
  conflict('an account with this email already exists', { reason: 'EMAIL_EXISTS' });

export const iso = (date: Date | string | null | undefined): string | null =>
  date === null || date === undefined ? null : new Date(date).toISOString();

/** Inserts a credential hash in the caller's transaction. */
export async function storeCredential(
  manager: EntityManager,
  credential: { kind: CredentialKind; id: string; subjectId: string; hash: string },
): Promise<void> {
  await manager.query(
    `insert into credentials (kind, id, subject_id, hash) values ($1, $2, $3, $4)
     on conflict (kind, id) do update set hash = excluded.hash, subject_id = excluded.subject_id, created_at = now()`,
    [credential.kind, credential.id, credential.subjectId, credential.hash],
  );
}

export type CredentialKind =
  'password' | 'api_key' | 'recovery_code' | 'email_verification' | 'password_reset' | 'invite';

/** The credential a presented one-time secret belongs to (looked up by its SHA-256). */
export async function findCredentialByHash(
  manager: EntityManager,
  kind: CredentialKind,
  hash: string,
): Promise<{ id: string; subjectId: string } | undefined> {
  const rows: { id: string; subject_id: string }[] = await manager.query(
    `select id, subject_id from credentials where kind = $1 and hash = $2`,
    [kind, hash],
  );
  return rows[0] && { id: rows[0].id, subjectId: rows[0].subject_id };
}

export async function deleteCredential(
  manager: EntityManager,
  kind: CredentialKind,
  id: string,
): Promise<void> {
  await manager.query(`delete from credentials where kind = $1 and id = $2`, [kind, id]);
}
