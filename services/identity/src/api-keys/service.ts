import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, notFound, transaction, validationError } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { iso, storeCredential, type Identity } from '../platform/app.js';
import { newApiKey } from '../platform/crypto.js';
import type { RequestInfo } from '../platform/request.js';
import { authorize } from '../organizations/access.js';
import { apiKeyDecider, type ApiKeyCommand } from './decide.js';
import { apiKeyStream } from './api-key.js';

export interface ApiKeyView {
  id: string;
  organizationId: string;
  userId: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A key as created: the full secret travels in this one answer and is never retrievable again. */
export interface CreatedApiKey {
  apiKey: ApiKeyView;
  key: string;
}

type Row = Record<string, unknown>;

const toView = (r: Row): ApiKeyView => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  userId: r.user_id as string,
  name: r.name as string,
  prefix: r.prefix as string,
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: iso(r.created_at as Date)!,
  expiresAt: iso(r.expires_at as Date | null),
  lastUsedAt: iso(r.last_used_at as Date | null),
  revokedAt: iso(r.revoked_at as Date | null),
});

export function handleApiKey(
  identity: Identity,
  manager: EntityManager | undefined,
  apiKeyId: string,
  organizationId: string,
  command: ApiKeyCommand,
  request: RequestInfo,
) {
  return handle(
    identity,
    manager,
    apiKeyStream(apiKeyId),
    apiKeyDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

async function findKey(
  identity: Identity,
  apiKeyId: string,
  manager?: EntityManager,
): Promise<ApiKeyView | undefined> {
  const rows: Row[] = await (manager ?? identity.dataSource.manager).query(
    `select * from api_keys where id = $1`,
    [apiKeyId],
  );
  return rows[0] && toView(rows[0]);
}

/** Issues a key inside the caller's transaction: the event (prefix only) and the hash, together. */
export async function issueApiKey(
  identity: Identity,
  manager: EntityManager,
  input: {
    organizationId: string;
    userId: string;
    roleId: string;
    name: string;
    createdBy: string | null;
    expiresInDays: number | null;
  },
  request: RequestInfo,
  apiKeyId: string = randomUUID(),
): Promise<CreatedApiKey> {
  const { key, prefix, hash } = newApiKey();
  await handleApiKey(
    identity,
    manager,
    apiKeyId,
    input.organizationId,
    { type: 'CreateApiKey', apiKeyId, prefix, ...input, now: identity.now().toISOString() },
    request,
  );
  await storeCredential(manager, { kind: 'api_key', id: apiKeyId, subjectId: input.userId, hash });
  return { apiKey: (await findKey(identity, apiKeyId, manager))!, key };
}

/** Active (unrevoked) keys first, newest first; revoked ones stay listed with their revocation time. */
export async function listApiKeys(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<ApiKeyView[]> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_api_keys', 'not_found');
  const rows: Row[] = await identity.dataSource.query(
    `select * from api_keys where organization_id = $1 order by (revoked_at is null) desc, created_at desc, id`,
    [membership.organizationId],
  );
  return rows.map(toView);
}

export async function createApiKey(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  input: { name: string; expiresInDays?: number | null },
): Promise<CreatedApiKey> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_api_keys', 'not_found');
  if (typeof input.name !== 'string') throw validationError('name is required', { field: 'name' });
  return transaction(identity, (manager) =>
    issueApiKey(
      identity,
      manager,
      {
        organizationId: membership.organizationId,
        userId: membership.userId,
        // a key never carries more than its creator's role
        roleId: membership.roleId,
        name: input.name,
        createdBy: membership.userId,
        expiresInDays: input.expiresInDays ?? null,
      },
      request,
    ),
  );
}

export async function revokeApiKey(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  apiKeyId: string,
): Promise<ApiKeyView> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_api_keys', 'not_found');
  const key = await findKey(identity, apiKeyId);
  if (!key || key.organizationId !== membership.organizationId) throw notFound('API key');
  await handleApiKey(
    identity,
    undefined,
    apiKeyId,
    key.organizationId,
    {
      type: 'RevokeApiKey',
      reason: 'revoked',
      revokedBy: membership.userId,
      now: identity.now().toISOString(),
    },
    request,
  );
  return (await findKey(identity, apiKeyId))!;
}

/** Every active key that acts as the user (wallet recovery revokes them all). */
export async function activeKeysOfUser(
  manager: EntityManager,
  userId: string,
): Promise<{ id: string; organizationId: string }[]> {
  const rows: Row[] = await manager.query(
    `select id, organization_id from api_keys where user_id = $1 and revoked_at is null`,
    [userId],
  );
  return rows.map((r) => ({ id: r.id as string, organizationId: r.organization_id as string }));
}
