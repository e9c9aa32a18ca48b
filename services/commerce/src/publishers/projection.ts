import { defineProjection } from '@seren/event-store';
import type { EntityManager } from 'typeorm';
import { integrationTypeOf, type Config } from './fields.js';
import type { PublisherEvent } from './publisher.js';

// `publishers` (the read model of the catalog, which began as charges' minimal record) and
// `publisher_pricing`, written in each append's transaction. `search` is the store's full-text
// document: name and slug weigh most, then categories, capabilities and use cases, then the
// descriptions (`suggest` and `search` rank on it).

const SEARCH = `
  setweight(to_tsvector('english', coalesce(name, '') || ' ' || replace(slug, '-', ' ')), 'A') ||
  setweight(to_tsvector('english', array_to_string(categories, ' ') || ' ' || array_to_string(capabilities, ' ')
    || ' ' || coalesce((select string_agg(value, ' ') from jsonb_array_elements_text(coalesce(config->'use_cases', '[]'))), '')), 'B') ||
  setweight(to_tsvector('english', coalesce(description, '') || ' ' || coalesce(config->>'resource_name', '') || ' '
    || coalesce(config->>'resource_description', '')), 'C')`;

const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The columns kept beside `config` for the store's filters and search. */
function columnsOf(config: Config) {
  return {
    description: typeof config.description === 'string' ? config.description : null,
    categories: texts(config.categories),
    capabilities: texts(config.capabilities),
    billingModel: typeof config.billing_model === 'string' ? config.billing_model : 'prepaid_credits',
    isActive: config.is_active !== false,
  };
}

async function refreshSearch(manager: EntityManager, publisherId: string) {
  await manager.query(`update publishers set search = ${SEARCH} where id = $1`, [publisherId]);
}

export const publisherCatalogProjection = defineProjection<PublisherEvent>({
  name: 'publishers',
  handles: [
    'PublisherRegistered',
    'PublisherCreated',
    'PublisherUpdated',
    'PublisherPricingUpdated',
    'PublisherDeleted',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'PublisherRegistered': {
        const d = event.data;
        await manager.query(
          `insert into publishers (id, slug, name, organization_id, created_by, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $6)`,
          [d.publisherId, d.slug, d.name, d.organizationId, d.registeredBy, d.registeredAt],
        );
        await refreshSearch(manager, d.publisherId);
        return;
      }
      case 'PublisherCreated': {
        const d = event.data;
        const c = columnsOf(d.config as Config);
        await manager.query(
          `insert into publishers (id, slug, name, organization_id, integration_type, billing_model, description,
             categories, capabilities, is_active, config, secrets_masked, created_by, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
          [
            d.publisherId,
            d.slug,
            d.name,
            d.organizationId,
            d.integrationType,
            c.billingModel,
            c.description,
            c.categories,
            c.capabilities,
            c.isActive,
            JSON.stringify(d.config),
            JSON.stringify(d.secrets),
            d.createdBy,
            d.createdAt,
          ],
        );
        await refreshSearch(manager, d.publisherId);
        return;
      }
      case 'PublisherUpdated': {
        const d = event.data;
        const { name, ...changes } = d.changes;
        const rows: { config: Config; secrets_masked: Record<string, string> }[] = await manager.query(
          `select config, secrets_masked from publishers where id = $1 for update`,
          [d.publisherId],
        );
        const before = rows[0];
        if (!before) return;
        const config = Object.fromEntries(
          Object.entries({ ...before.config, ...changes }).filter(([, v]) => v !== null),
        ) as Config;
        const secrets = Object.fromEntries(
          Object.entries({ ...before.secrets_masked, ...d.secrets }).filter(([, v]) => v !== null),
        );
        const c = columnsOf(config);
        await manager.query(
          `update publishers set name = coalesce($2, name), integration_type = $3, billing_model = $4, description = $5,
             categories = $6, capabilities = $7, is_active = $8, config = $9, secrets_masked = $10, updated_at = $11
           where id = $1`,
          [
            d.publisherId,
            typeof name === 'string' ? name : null,
            d.integrationType ?? integrationTypeOf(config),
            c.billingModel,
            c.description,
            c.categories,
            c.capabilities,
            c.isActive,
            JSON.stringify(config),
            JSON.stringify(secrets),
            d.updatedAt,
          ],
        );
        await refreshSearch(manager, d.publisherId);
        return;
      }
      case 'PublisherPricingUpdated': {
        const d = event.data;
        await manager.query(
          `insert into publisher_pricing (publisher_id, asset_id, pricing, created_at, updated_at) values ($1, $2, $3, $4, $4)
           on conflict (publisher_id, asset_id) do update set pricing = excluded.pricing, updated_at = excluded.updated_at`,
          [d.publisherId, d.assetId, JSON.stringify(d.pricing), d.updatedAt],
        );
        await manager.query(`update publishers set updated_at = $2 where id = $1`, [
          d.publisherId,
          d.updatedAt,
        ]);
        return;
      }
      case 'PublisherDeleted': {
        const d = event.data;
        await manager.query(`update publishers set deleted_at = $2, updated_at = $2 where id = $1`, [
          d.publisherId,
          d.deletedAt,
        ]);
        return;
      }
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
});
