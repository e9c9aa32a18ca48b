import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../platform/app.js';

/** How long an authorization may take between our redirect and the provider's callback. */
export const STATE_TTL_MS = 10 * 60_000;

export interface PendingAuthorization {
  userId: string;
  providerId: string;
  flow: 'connection' | 'social';
  codeVerifier: string | null;
  /** the redirect_uri given to the provider (the token request repeats it) */
  callbackUrl: string;
  /** the frontend URL the browser goes back to */
  returnTo: string;
}

const hashOf = (state: string) => createHash('sha256').update(state).digest('base64url');

/**
 * A new `state` for an authorization, bound to the user, the provider and this flow. Only its
 * SHA-256 is stored (with the PKCE verifier, kept for the 10 minutes only); expired ones are swept here.
 */
export async function issueState(identity: Identity, pending: PendingAuthorization): Promise<string> {
  const state = client.randomState();
  const now = identity.now();
  await identity.dataSource.query(`delete from oauth_states where expires_at < $1`, [now]);
  await identity.dataSource.query(
    `insert into oauth_states (state_hash, user_id, provider_id, flow, code_verifier, callback_url, return_to,
       created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      hashOf(state),
      pending.userId,
      pending.providerId,
      pending.flow,
      pending.codeVerifier,
      pending.callbackUrl,
      pending.returnTo,
      now,
      new Date(now.getTime() + STATE_TTL_MS),
    ],
  );
  return state;
}

/**
 * Spends a state: once, whatever comes of it (a second use finds nothing), and only before it
 * expired. Undefined for an unknown, spent or expired state.
 */
export async function spendState(
  identity: Identity,
  state: string,
  manager?: EntityManager,
): Promise<PendingAuthorization | undefined> {
  const [rows]: [Record<string, unknown>[], number] = await (manager ?? identity.dataSource.manager).query(
    `delete from oauth_states where state_hash = $1 returning *`,
    [hashOf(state)],
  );
  const row = rows[0];
  if (!row || (row.expires_at as Date).getTime() <= identity.now().getTime()) return undefined;
  return {
    userId: row.user_id as string,
    providerId: row.provider_id as string,
    flow: row.flow as PendingAuthorization['flow'],
    codeVerifier: (row.code_verifier as string | null) ?? null,
    callbackUrl: row.callback_url as string,
    returnTo: row.return_to as string,
  };
}
