import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, notFound, transaction, validationError } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { findCredentialByHash, iso, storeCredential, type Identity } from '../platform/app.js';
import { sha256 } from '../platform/crypto.js';
import type { RequestInfo } from '../platform/request.js';
import { authorize } from '../organizations/access.js';
import { pitDecider, type PitCommand } from './decide.js';
import { pitStream } from './pit.js';
import type { UserType } from './install.js';
import { MANAGE_INTEGRATIONS } from './permission.js';
import { isPitShaped, newPitToken } from './secrets.js';

/** Who a private integration token acts as, for the edge (`/internal/authenticate`). */
export interface PitCaller {
  pitId: string;
  /** the location (userType Location) or agency (Company) the token belongs to */
  organizationId: string;
  userType: UserType;
  /** set for a Location token: its location's id (= organizationId) */
  locationId: string | null;
  /** the agency: the location's parent, or the agency itself */
  companyId: string | null;
  /** canonical scope names */
  scopes: string[];
  /** the user who created the token (the subject its calls act as) */
  createdBy: string;
}

export interface PitView {
  id: string;
  organizationId: string;
  userType: UserType;
  name: string;
  scopes: string[];
  createdBy: string;
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** when the previous token stops working (during a rotation's overlap), else null */
  previousTokenExpiresAt: string | null;
}

/** A token as created or rotated: shown in this one answer, never again. */
export interface PitWithToken {
  privateIntegration: PitView;
  token: string;
}

type Row = Record<string, unknown>;

const toView = (r: Row): PitView => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  userType: r.user_type as UserType,
  name: r.name as string,
  scopes: r.scopes as string[],
  createdBy: r.created_by as string,
  createdAt: iso(r.created_at as Date)!,
  rotatedAt: iso(r.rotated_at as Date | null),
  revokedAt: iso(r.revoked_at as Date | null),
  lastUsedAt: iso(r.last_used_at as Date | null),
  previousTokenExpiresAt: iso(r.previous_expires_at as Date | null),
});

const SELECT_PIT = `select p.*, (select max(s.expires_at) from private_integration_token_secrets s
  where s.pit_id = p.id and s.expires_at > now()) as previous_expires_at from private_integration_tokens p`;

async function findPit(identity: Identity, pitId: string, manager?: EntityManager) {
  const rows: Row[] = await (manager ?? identity.dataSource.manager).query(`${SELECT_PIT} where p.id = $1`, [
    pitId,
  ]);
  return rows[0] && toView(rows[0]);
}

/**
 * The caller a presented `pit-<uuid>` token stands for, or undefined (not one of ours, revoked, or
 * a rotated-away token past its overlap). Looked up by its SHA-256; records the use.
 */
export async function authenticatePit(identity: Identity, token: string): Promise<PitCaller | undefined> {
  if (typeof token !== 'string' || !isPitShaped(token)) return undefined;
  const credential = await findCredentialByHash(identity.dataSource.manager, 'pit', sha256(token));
  if (!credential) return undefined;
  const rows: (Row & { parent_id: string | null })[] = await identity.dataSource.query(
    `select p.id, p.organization_id, p.user_type, p.scopes, p.created_by, o.parent_id
     from private_integration_token_secrets s
     join private_integration_tokens p on p.id = s.pit_id
     join organizations o on o.id = p.organization_id
     where s.secret_id = $1 and p.revoked_at is null and (s.expires_at is null or s.expires_at > $2)`,
    [credential.id, identity.now()],
  );
  const row = rows[0];
  if (!row) return undefined;
  identity.dataSource
    .query(`update private_integration_tokens set last_used_at = now() where id = $1`, [row.id])
    .catch((error: unknown) => identity.logger.warn({ err: error }, 'could not record a PIT use'));
  const userType = row.user_type as UserType;
  const organizationId = row.organization_id as string;
  return {
    pitId: row.id as string,
    organizationId,
    userType,
    locationId: userType === 'Location' ? organizationId : null,
    companyId: userType === 'Location' ? row.parent_id : organizationId,
    scopes: row.scopes as string[],
    createdBy: row.created_by as string,
  };
}

function handlePit(
  identity: Identity,
  manager: EntityManager | undefined,
  pitId: string,
  organizationId: string,
  command: PitCommand,
  request: RequestInfo,
) {
  return handle(
    identity,
    manager,
    pitStream(pitId),
    pitDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

/** The PITs of a location or agency (revoked ones listed after the active, with their revocation time). */
export async function listPits(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<PitView[]> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const rows: Row[] = await identity.dataSource.query(
    `${SELECT_PIT} where p.organization_id = $1 order by (p.revoked_at is null) desc, p.created_at desc, p.id`,
    [membership.organizationId],
  );
  return rows.map(toView);
}

async function organizationKind(identity: Identity, organizationId: string): Promise<string | undefined> {
  const rows: { kind: string }[] = await identity.dataSource.query(
    `select kind from organizations where id = $1`,
    [organizationId],
  );
  return rows[0]?.kind;
}

/**
 * A PIT for a location (userType Location) or an agency (Company): HighLevel's `pit-<uuid>`,
 * shown once. Other kinds of organization have no Serebro API and get a 400.
 */
export async function createPit(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  input: { name: unknown; scopes: unknown },
): Promise<PitWithToken> {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const kind = await organizationKind(identity, membership.organizationId);
  if (kind !== 'location' && kind !== 'agency')
    throw validationError('private integrations belong to a location or an agency', {
      field: 'organizationId',
    });
  const pitId = randomUUID();
  const secretId = randomUUID();
  const token = newPitToken();
  return transaction(identity, async (manager) => {
    await handlePit(
      identity,
      manager,
      pitId,
      membership.organizationId,
      {
        type: 'CreatePit',
        pitId,
        organizationId: membership.organizationId,
        userType: kind === 'location' ? 'Location' : 'Company',
        name: input.name,
        scopes: input.scopes,
        secretId,
        by: membership.userId,
        now: identity.now().toISOString(),
      },
      request,
    );
    await storeCredential(manager, { kind: 'pit', id: secretId, subjectId: pitId, hash: sha256(token) });
    return { privateIntegration: (await findPit(identity, pitId, manager))!, token };
  });
}

async function ownPit(identity: Identity, request: RequestInfo, idOrDefault: string, pitId: string) {
  const membership = await authorize(identity, request, idOrDefault, MANAGE_INTEGRATIONS, 'not_found');
  const pit = await findPit(identity, pitId);
  if (!pit || pit.organizationId !== membership.organizationId) throw notFound('private integration');
  return pit;
}

/**
 * A new token, shown once; the previous one keeps working for 7 days (`overlapSeconds` may shorten
 * it, 0 = at once). A token older than the previous one stops at once.
 */
export async function rotatePit(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  pitId: string,
  overlapSeconds?: number | null,
): Promise<PitWithToken> {
  const pit = await ownPit(identity, request, idOrDefault, pitId);
  const secretId = randomUUID();
  const token = newPitToken();
  return transaction(identity, async (manager) => {
    await handlePit(
      identity,
      manager,
      pitId,
      pit.organizationId,
      {
        type: 'RotatePit',
        secretId,
        overlapSeconds: overlapSeconds ?? undefined,
        by: request.caller.subject ?? null,
        now: identity.now().toISOString(),
      },
      request,
    );
    await storeCredential(manager, { kind: 'pit', id: secretId, subjectId: pitId, hash: sha256(token) });
    return { privateIntegration: (await findPit(identity, pitId, manager))!, token };
  });
}

/** Revokes every token of the PIT at once (the gateways drop cached answers in the same transaction). */
export async function revokePit(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  pitId: string,
): Promise<PitView> {
  const pit = await ownPit(identity, request, idOrDefault, pitId);
  await transaction(identity, async (manager) => {
    await handlePit(
      identity,
      manager,
      pitId,
      pit.organizationId,
      { type: 'RevokePit', by: request.caller.subject ?? null, now: identity.now().toISOString() },
      request,
    );
    await manager.query(
      `delete from credentials where kind = 'pit' and id in (select secret_id from private_integration_token_secrets where pit_id = $1)`,
      [pitId],
    );
  });
  return (await findPit(identity, pitId))!;
}
