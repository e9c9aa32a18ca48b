import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// A location's payment connection. For the custom provider HighLevel's provider config
// (`_id`, `locationId`, `name`, `description`, `paymentsUrl`, `queryUrl`, `imageUrl`, `live` and
// `test` with their keys), keys masked; Serebro adds `provider`, `webhookUrl` (where the provider
// posts its events) and, on the answer that set a mode's keys only, `webhookSecrets`.

export const PaymentConnectionFields = graphql(`
  fragment PaymentConnectionFields on PaymentConnection {
    id
    locationId
    provider
    name
    description
    paymentsUrl
    queryUrl
    imageUrl
    test {
      credentialId
      masked
    }
    live {
      credentialId
      masked
    }
    webhookUrl
    testWebhookSecret
    liveWebhookSecret
    createdAt
    updatedAt
  }
`);

const modeKeys = z
  .record(z.string(), z.string())
  .nullable()
  .describe('the keys of the mode, masked (e.g. `sk_…1234`); null when the mode has none');

export const paymentConnectionSchema = z.object({
  _id: z.string(),
  locationId: z.string(),
  provider: z.enum(['stripe', 'custom']),
  name: z.string(),
  description: z.string().nullable(),
  paymentsUrl: z.string().nullable(),
  queryUrl: z.string().nullable(),
  imageUrl: z.string().nullable(),
  test: modeKeys,
  live: modeKeys,
  webhookUrl: z.string().describe('where the provider posts its webhooks'),
  webhookSecrets: z
    .object({ test: z.string().optional(), live: z.string().optional() })
    .optional()
    .describe('custom provider: the signing secret of each mode just set, shown this once'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function paymentConnectionToRest(
  ref: FragmentOf<typeof PaymentConnectionFields>,
): z.input<typeof paymentConnectionSchema> {
  const c = readFragment(PaymentConnectionFields, ref);
  const secrets = {
    ...(c.testWebhookSecret ? { test: c.testWebhookSecret } : {}),
    ...(c.liveWebhookSecret ? { live: c.liveWebhookSecret } : {}),
  };
  return {
    _id: c.id,
    locationId: c.locationId,
    provider: c.provider === 'custom' ? 'custom' : 'stripe',
    name: c.name,
    description: c.description ?? null,
    paymentsUrl: c.paymentsUrl ?? null,
    queryUrl: c.queryUrl ?? null,
    imageUrl: c.imageUrl ?? null,
    test: (c.test?.masked as Record<string, string> | undefined) ?? null,
    live: (c.live?.masked as Record<string, string> | undefined) ?? null,
    webhookUrl: c.webhookUrl,
    ...(Object.keys(secrets).length > 0 ? { webhookSecrets: secrets } : {}),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
