import { apiKeyNameInput, expiresInDaysInput } from '@seren/contracts';
import { conflict, notFound } from '@seren/service-kit/errors';
import { valid } from '../inputs.js';
import { evolveApiKey, initialApiKeyState, type ApiKeyEvent, type ApiKeyState } from './api-key.js';

export type ApiKeyCommand =
  | {
      type: 'CreateApiKey';
      apiKeyId: string;
      organizationId: string;
      userId: string;
      roleId: string;
      name: string;
      prefix: string;
      createdBy: string | null;
      expiresInDays: number | null;
      now: string;
    }
  | { type: 'RevokeApiKey'; reason: 'revoked' | 'wallet_recovered'; revokedBy: string | null; now: string };

export function decideApiKey(command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey': {
      if (state.status !== 'none') throw conflict('API key already exists');
      const name = valid(apiKeyNameInput, command.name, 'name');
      const days =
        command.expiresInDays === null
          ? null
          : valid(expiresInDaysInput, command.expiresInDays, 'expires_in_days');
      const expiresAt =
        days === null ? null : new Date(Date.parse(command.now) + days * 86_400_000).toISOString();
      const { apiKeyId, organizationId, userId, roleId, prefix, createdBy, now } = command;
      return [
        {
          type: 'ApiKeyCreated',
          data: {
            apiKeyId,
            organizationId,
            userId,
            roleId,
            name,
            prefix,
            createdBy,
            createdAt: now,
            expiresAt,
          },
        },
      ];
    }
    case 'RevokeApiKey':
      if (state.status === 'none') throw notFound('API key');
      if (state.status === 'revoked') return [];
      return [
        {
          type: 'ApiKeyRevoked',
          data: {
            apiKeyId: state.apiKeyId,
            organizationId: state.organizationId,
            reason: command.reason,
            revokedBy: command.revokedBy,
            revokedAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const apiKeyDecider = {
  streamType: 'api_key',
  initialState: initialApiKeyState,
  evolve: evolveApiKey,
  decide: decideApiKey,
};
