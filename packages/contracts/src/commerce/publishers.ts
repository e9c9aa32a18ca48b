import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI publishers (commerce service): the publisher catalog. A publisher is stream
// `publisher-<id>`, aggregate `publisher` (the same stream as the minimal `PublisherRegistered` of
// charges.ts, which publishers made before the catalog still start with). An organization creates,
// updates, prices (per asset) and soft deletes it; the store lists the active ones.
//
// `config` holds the publisher's documented settings under their REST names (snake_case, as the
// spec writes them: `api_url`, `billing_model`, `allowed_passthrough_headers`, ...); which names
// exist and their types are commerce's (services/commerce/src/publishers/fields.ts, README
// "Publishers"). Secrets (`upstream_api_key`, `api_headers`, `connection_string`,
// `oauth2_client_secret`, `database_config`) are NEVER part of an event: commerce seals them in its
// own table and the events carry only their masked form in `secrets` (`sk_…1234`), or null where a
// secret was removed.

const id = z.string().min(1);
const at = z.iso.datetime();
const config = z.record(z.string(), z.json());
const maskedSecrets = z.record(z.string(), z.string().nullable());

export const PublisherCreated = defineEvent({
  type: 'PublisherCreated',
  version: 1,
  domain: 'commerce',
  aggregate: 'publisher',
  description:
    'An organization created a publisher: its upstream (an HTTP API, a PostgreSQL database, an A2A agent or an MCP server), billing model and store listing.',
  schema: z.object({
    publisherId: id,
    organizationId: id,
    slug: id,
    name: z.string().min(1),
    integrationType: z.enum(['api', 'database', 'agent', 'mcp']),
    config,
    secrets: maskedSecrets,
    createdBy: id,
    createdAt: at,
  }),
});

export const PublisherUpdated = defineEvent({
  type: 'PublisherUpdated',
  version: 1,
  domain: 'commerce',
  aggregate: 'publisher',
  description: 'The publisher settings named in `changes` (and the secrets named in `secrets`) changed.',
  schema: z.object({
    publisherId: id,
    organizationId: id,
    /** the settings that changed (`name` among them), with their new values (null: cleared) */
    changes: config,
    /** the integration type when the change made it another one, else null */
    integrationType: z.enum(['api', 'database', 'agent', 'mcp']).nullable(),
    secrets: maskedSecrets,
    updatedBy: id,
    updatedAt: at,
  }),
});

export const PublisherPricingUpdated = defineEvent({
  type: 'PublisherPricingUpdated',
  version: 1,
  domain: 'commerce',
  aggregate: 'publisher',
  description:
    "The publisher's pricing for one asset was set: per request, per 1,000 rows, markup, minimum charge, minimum balance, rate limit, ...",
  schema: z.object({
    publisherId: id,
    organizationId: id,
    assetId: id,
    /** the whole pricing of the asset after the change, prices as decimal strings */
    pricing: config,
    updatedBy: id,
    updatedAt: at,
  }),
});

export const PublisherDeleted = defineEvent({
  type: 'PublisherDeleted',
  version: 1,
  domain: 'commerce',
  aggregate: 'publisher',
  description:
    'The publisher was soft deleted: gone from the store and the proxy; its history, earnings and slug are kept.',
  schema: z.object({
    publisherId: id,
    organizationId: id,
    deletedBy: id,
    deletedAt: at,
  }),
});

export const publisherCatalogEvents = [
  PublisherCreated,
  PublisherUpdated,
  PublisherPricingUpdated,
  PublisherDeleted,
] as const;
