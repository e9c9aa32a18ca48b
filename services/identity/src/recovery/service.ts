import { randomUUID } from 'node:crypto';
import { DomainError, transaction, validationError } from '@seren/service-kit';
import { deleteCredential, findCredentialByHash, storeCredential, type Identity } from '../platform/app.js';
import { newRecoveryCode, normalizeRecoveryCode, sha256 } from '../platform/crypto.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { activeKeysOfUser, handleApiKey, issueApiKey, type CreatedApiKey } from '../api-keys/service.js';
import { emailSchema, getUser, handleUser, valid, type UserView } from '../users/service.js';

export interface RecoverySetup {
  recoveryCode: string | null;
  hasRecoveryCode: boolean;
  email: string | null;
}

export interface WalletRecovery {
  user: UserView;
  apiKey: CreatedApiKey;
  recoveryCode: string;
  revokedApiKeys: number;
}

export const invalidRecoveryCode = () =>
  new DomainError('UNAUTHENTICATED', 'invalid recovery code', { reason: 'INVALID_RECOVERY_CODE' });

/** POST /wallet/recovery: a code the first time (shown once), and optionally a recovery email. */
export async function setupRecovery(
  identity: Identity,
  request: RequestInfo,
  input: { email?: string | null },
): Promise<RecoverySetup> {
  const userId = callerUserId(request);
  const email =
    input.email === undefined || input.email === null ? undefined : valid(emailSchema, input.email, 'email');
  const code = newRecoveryCode();
  const codeId = randomUUID();
  const issued = await transaction(identity, async (manager) => {
    const now = identity.now().toISOString();
    const result = await handleUser(
      identity,
      manager,
      userId,
      { type: 'IssueRecoveryCode', codeId, now },
      request,
    );
    if (result.events.length > 0) {
      await storeCredential(manager, {
        kind: 'recovery_code',
        id: codeId,
        subjectId: userId,
        hash: sha256(normalizeRecoveryCode(code)!),
      });
    }
    if (email)
      await handleUser(identity, manager, userId, { type: 'ChangeRecoveryEmail', email, now }, request);
    return result.events.length > 0;
  });
  const user = await getUser(identity, userId);
  return {
    recoveryCode: issued ? code : null,
    hasRecoveryCode: user.hasRecoveryCode,
    email: user.recoveryEmail,
  };
}

/**
 * POST /wallet/recover: the code proves the account. Every API key acting as the user is revoked,
 * a new one is issued in the personal organization, and the code rotates. All in one transaction.
 */
export async function recoverWallet(
  identity: Identity,
  request: RequestInfo,
  input: { recoveryCode: string },
): Promise<WalletRecovery> {
  if (typeof input.recoveryCode !== 'string')
    throw validationError('recovery_code is required', { field: 'recovery_code' });
  const normalized = normalizeRecoveryCode(input.recoveryCode);
  if (!normalized)
    throw validationError('a recovery code has 24 characters (dashes and spaces allowed)', {
      field: 'recovery_code',
    });
  const newCode = newRecoveryCode();
  const newCodeId = randomUUID();
  const newApiKeyId = randomUUID();
  const result = await transaction(identity, async (manager) => {
    // SHA-256 lookup of a 120-bit random code: the index compares hashes, which reveal nothing usable.
    const credential = await findCredentialByHash(manager, 'recovery_code', sha256(normalized));
    if (!credential) throw invalidRecoveryCode();
    const user = await getUser(identity, credential.subjectId, manager);
    const actor: RequestInfo = {
      ...request,
      caller: { ...request.caller, kind: user.kind === 'agent' ? 'agent' : 'user', subject: user.id },
    };
    const now = identity.now().toISOString();
    const keys = await activeKeysOfUser(manager, user.id);
    for (const key of keys) {
      await handleApiKey(
        identity,
        manager,
        key.id,
        key.organizationId,
        { type: 'RevokeApiKey', reason: 'wallet_recovered', revokedBy: user.id, now },
        actor,
      );
    }
    const apiKey = await issueApiKey(
      identity,
      manager,
      {
        organizationId: user.personalOrganizationId,
        userId: user.id,
        roleId: 'owner',
        name: 'agent',
        createdBy: user.id,
        expiresInDays: null,
      },
      actor,
      newApiKeyId,
    );
    await handleUser(
      identity,
      manager,
      user.id,
      {
        type: 'RecoverAccount',
        usedCodeId: credential.id,
        newCodeId,
        newApiKeyId,
        revokedApiKeyIds: keys.map((k) => k.id),
        now,
      },
      actor,
    );
    await deleteCredential(manager, 'recovery_code', credential.id);
    await storeCredential(manager, {
      kind: 'recovery_code',
      id: newCodeId,
      subjectId: user.id,
      hash: sha256(normalizeRecoveryCode(newCode)!),
    });
    return { userId: user.id, apiKey, revoked: keys.length };
  });
  return {
    user: await getUser(identity, result.userId),
    apiKey: result.apiKey,
    recoveryCode: newCode,
    revokedApiKeys: result.revoked,
  };
}
