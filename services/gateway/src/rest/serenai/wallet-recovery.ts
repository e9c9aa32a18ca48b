import { emailInput } from '@seren/contracts';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';

// SerenAI "agent-wallet" recovery (identity): a 24-character recovery code (dashes and spaces
// allowed, case-insensitive). Recovery revokes every API key, issues a new one and rotates the code.

export const walletRecoveryRoutes = [
  route.operation({
    method: 'POST',
    path: '/wallet/recover',
    section: 'wallet-recovery',
    summary: 'Recover an agent account using a recovery code',
    description: 'Save both the new API key and the new recovery code: they are shown once.',
    auth: 'none',
    rateLimit: 'recoverWallet',
    request: { body: z.object({ recovery_code: z.string() }) },
    operation: graphql(`
      mutation SerenaiRecoverWallet($code: String!) {
        recoverWallet(recoveryCode: $code) {
          user {
            id
          }
          apiKey {
            key
            apiKey {
              id
              prefix
            }
          }
          recoveryCode
          revokedApiKeys
        }
      }
    `),
    variables: ({ body }) => ({ code: body.recovery_code }),
    response: {
      status: 200,
      description: 'Account recovered successfully',
      schema: z.object({
        data: z.object({
          user_id: z.string(),
          api_key: z.string(),
          api_key_id: z.string(),
          api_key_prefix: z.string(),
          recovery_code: z.string(),
          revoked_api_keys: z.number().int(),
          message: z.string(),
        }),
      }),
      body: ({ recoverWallet: r }) => ({
        data: {
          user_id: r.user.id,
          api_key: r.apiKey.key,
          api_key_id: r.apiKey.apiKey.id,
          api_key_prefix: r.apiKey.apiKey.prefix,
          recovery_code: r.recoveryCode,
          revoked_api_keys: r.revokedApiKeys,
          message: 'Account recovered. Save the new API key and recovery code: they are shown only once.',
        },
      }),
    },
    errors: [400, 401],
  }),
  route.operation({
    method: 'POST',
    path: '/wallet/recovery',
    section: 'wallet-recovery',
    summary: 'Set up account recovery (recovery code and/or email)',
    description: 'The first call returns a recovery code once; later calls return recovery_code: null.',
    auth: 'required',
    rateLimit: 'general',
    request: { body: z.object({ email: emailInput.nullish() }) },
    operation: graphql(
      'mutation SerenaiSetupRecovery($email: String) { setupRecovery(email: $email) { recoveryCode hasRecoveryCode email } }',
    ),
    variables: ({ body }) => ({ email: body.email ?? null }),
    response: {
      status: 200,
      description: 'Recovery set up',
      schema: z.object({
        data: z.object({
          recovery_code: z.string().nullable(),
          has_recovery_code: z.boolean(),
          email: z.string().nullable(),
        }),
      }),
      body: ({ setupRecovery: r }) => ({
        data: { recovery_code: r.recoveryCode, has_recovery_code: r.hasRecoveryCode, email: r.email },
      }),
    },
    errors: [400],
  }),
];
