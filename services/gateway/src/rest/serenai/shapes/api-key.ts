import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's organization API key. The full key exists only in the answer that creates it.

export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    organizationId
    name
    prefix
    createdBy
    createdAt
    expiresAt
    lastUsedAt
    revokedAt
  }
`);

export const apiKeySchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  key_prefix: z.string(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export function apiKeyToRest(ref: FragmentOf<typeof ApiKeyFields>): z.input<typeof apiKeySchema> {
  const k = readFragment(ApiKeyFields, ref);
  return {
    id: k.id,
    organization_id: k.organizationId,
    name: k.name,
    key_prefix: k.prefix,
    created_by: k.createdBy,
    created_at: k.createdAt,
    expires_at: k.expiresAt,
    last_used_at: k.lastUsedAt,
    revoked_at: k.revokedAt,
  };
}

/** A newly created key: the key's fields and, once, the full key. */
export const CreatedApiKeyFields = graphql(
  `
    fragment CreatedApiKeyFields on CreatedApiKey {
      key
      apiKey {
        ...ApiKeyFields
      }
    }
  `,
  [ApiKeyFields],
);

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('the full API key, shown once'),
});

export function createdApiKeyToRest(
  ref: FragmentOf<typeof CreatedApiKeyFields>,
): z.input<typeof createdApiKeySchema> {
  const created = readFragment(CreatedApiKeyFields, ref);
  return { ...apiKeyToRest(created.apiKey), key: created.key };
}
