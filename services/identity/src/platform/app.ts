import { conflict, type ApplicationContext, type Logger } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import type { IdentityConfig } from '../config.js';
import type { Mailer } from '../mail/mailer.js';
import type { Tokens } from '../tokens/tokens.js';
import type { SigningKeys } from '../tokens/signing-keys.js';

/**
 * What the application layer works with: built once in service.ts (`build`), after the database
 * opened and before any request, resolver or consumer can reach it. The event store and database
 * (`store`, `dataSource`) come from ApplicationContext, so service-kit's `handle` and
 * `transaction` take it as it is.
 */
export interface Identity extends ApplicationContext {
  tokens: Tokens;
  signingKeys: SigningKeys;
  mailer: Mailer;
  config: IdentityConfig;
  logger: Logger;
  /** the clock (tests may move it) */
  now: () => Date;
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
  | 'password'
  | 'api_key'
  | 'recovery_code'
  | 'email_verification'
  | 'password_reset'
  | 'invite'
  /** a marketplace app's client secret (id: the secret id, subject: the app) */
  | 'app_secret'
  /** a private integration token (id: the secret id, subject: the PIT) */
  | 'pit';

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
