import { mask } from '@seren/service-kit/sealing';
import {
  integrationTypeOf,
  parseConfig,
  parsePricing,
  parseSecrets,
  publisherErrors,
  requireUpstream,
  PRIMARY_ASSET,
  type Config,
  type IntegrationType,
  type Pricing,
  type SecretField,
} from './fields.js';
import {
  evolvePublisher,
  initialPublisherState,
  type PublisherEvent,
  type PublisherState,
} from './publisher.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Settings whose change can change what the publisher calls, so the upstream is checked again. */
const UPSTREAM_FIELDS = new Set<string>([
  'publisher_category',
  'integration_type',
  'database_type',
  'compute_type',
  'api_url',
  'a2a_endpoint_url',
  'mcp_endpoint',
  'auth_type',
  'oauth2_token_url',
  'oauth2_client_id',
  'billing_model',
  'upstream_cost_response_path',
  'connection_string',
  'database_config',
]);

export type PublisherCommand =
  | {
      type: 'CreatePublisher';
      publisherId: string;
      organizationId: string;
      slug: unknown;
      name: unknown;
      /** the request's settings by their REST names: config, secrets and the primary asset's prices */
      input: Record<string, unknown>;
      /** accepted asset ids, already normalized by the service (USDC) */
      acceptedAssetIds: string[];
      by: string;
      now: string;
    }
  | {
      type: 'UpdatePublisher';
      input: Record<string, unknown>;
      /** the accepted asset ids after add/remove, when the request changed them */
      acceptedAssetIds: string[] | undefined;
      by: string;
      now: string;
    }
  | { type: 'SetPublisherPricing'; assetId: string; input: Record<string, unknown>; by: string; now: string }
  | { type: 'DeletePublisher'; by: string; now: string };

function parseName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name || name.length > 200)
    throw publisherErrors.validationError('name: 1-200 characters', {
      field: 'name',
      reason: 'INVALID_FIELD',
    });
  return name;
}

function maskedSecrets(secrets: Partial<Record<SecretField, string | null>>): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(secrets).map(([name, value]) => [
      name,
      value === null || value === undefined ? null : mask(value),
    ]),
  );
}

const hasConnection = (present: Iterable<string>) => {
  const names = new Set(present);
  return names.has('connection_string') || names.has('database_config');
};

function pricingEvent(
  state: { publisherId: string; organizationId: string },
  assetId: string,
  current: Pricing | undefined,
  changes: Record<string, string | number | null>,
  by: string,
  now: string,
  always = false,
): PublisherEvent[] {
  if (Object.keys(changes).length === 0 && (!always || current)) return [];
  const pricing = Object.fromEntries(
    Object.entries({ ...current, ...changes }).filter(([, v]) => v !== null && v !== undefined),
  );
  return [
    {
      type: 'PublisherPricingUpdated',
      data: {
        publisherId: state.publisherId,
        organizationId: state.organizationId,
        assetId,
        pricing,
        updatedBy: by,
        updatedAt: now,
      },
    },
  ];
}

/**
 * The publisher's decisions. Create validates every setting (fields.ts), needs the integration
 * type's upstream (an API its URL, a database its connection string, ...), and prices the primary
 * asset with the prices given; update changes only what the request names; a deleted publisher is
 * not found for anything. Slug uniqueness is the read model's (a unique index: 409).
 */
export function decidePublisher(command: PublisherCommand, state: PublisherState): PublisherEvent[] {
  if (command.type === 'CreatePublisher') {
    if (state.status !== 'none')
      throw publisherErrors.conflict('publisher already exists', { reason: 'SLUG_TAKEN' });
    const slug = typeof command.slug === 'string' ? command.slug.trim().toLowerCase() : '';
    if (!SLUG.test(slug))
      throw publisherErrors.validationError('slug: 1-64 lowercase letters, digits and inner dashes', {
        field: 'slug',
        reason: 'INVALID_FIELD',
      });
    const name = parseName(command.name);
    const config: Config = { ...parseConfig(command.input), accepted_asset_ids: command.acceptedAssetIds };
    const secrets = parseSecrets(command.input);
    const pricing = parsePricing(command.input);
    const integrationType = integrationTypeOf(config);
    requireUpstream(
      integrationType,
      config,
      hasConnection(Object.keys(secrets).filter((k) => secrets[k as SecretField])),
    );
    const created: PublisherEvent = {
      type: 'PublisherCreated',
      data: {
        publisherId: command.publisherId,
        organizationId: command.organizationId,
        slug,
        name,
        integrationType,
        config: Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null && v !== undefined)),
        secrets: Object.fromEntries(Object.entries(maskedSecrets(secrets)).filter(([, v]) => v !== null)),
        createdBy: command.by,
        createdAt: command.now,
      },
    };
    return [
      created,
      ...pricingEvent(
        { publisherId: command.publisherId, organizationId: command.organizationId },
        PRIMARY_ASSET,
        undefined,
        pricing,
        command.by,
        command.now,
      ),
    ];
  }

  if (state.status !== 'active')
    throw publisherErrors.notFound('publisher', { reason: 'PUBLISHER_NOT_FOUND' });

  switch (command.type) {
    case 'UpdatePublisher': {
      const changes: Config & { name?: string } = parseConfig(command.input);
      if (command.input.name !== undefined) changes.name = parseName(command.input.name);
      if (command.acceptedAssetIds) changes.accepted_asset_ids = command.acceptedAssetIds;
      // only what differs is a change
      for (const [field, value] of Object.entries(changes)) {
        const before = field === 'name' ? state.name : state.config[field as keyof Config];
        if (JSON.stringify(before ?? null) === JSON.stringify(value))
          delete changes[field as keyof typeof changes];
      }
      const secrets = parseSecrets(command.input);
      const next = { ...state.config, ...changes } as Config;
      const integrationType: IntegrationType = integrationTypeOf(next);
      const touched = [...Object.keys(changes), ...Object.keys(secrets)].some((f) => UPSTREAM_FIELDS.has(f));
      if (touched) {
        const present = new Set<string>(state.secrets);
        for (const [name, value] of Object.entries(secrets)) {
          if (value === null) present.delete(name);
          else present.add(name);
        }
        requireUpstream(integrationType, next, hasConnection(present));
      }
      const events: PublisherEvent[] = [];
      if (Object.keys(changes).length > 0 || Object.keys(secrets).length > 0)
        events.push({
          type: 'PublisherUpdated',
          data: {
            publisherId: state.publisherId,
            organizationId: state.organizationId,
            changes,
            integrationType: integrationType === state.integrationType ? null : integrationType,
            secrets: maskedSecrets(secrets),
            updatedBy: command.by,
            updatedAt: command.now,
          },
        });
      return [
        ...events,
        ...pricingEvent(
          state,
          PRIMARY_ASSET,
          state.pricing[PRIMARY_ASSET],
          parsePricing(command.input),
          command.by,
          command.now,
        ),
      ];
    }
    case 'SetPublisherPricing':
      return pricingEvent(
        state,
        command.assetId,
        state.pricing[command.assetId],
        parsePricing(command.input),
        command.by,
        command.now,
        true,
      );
    case 'DeletePublisher':
      return [
        {
          type: 'PublisherDeleted',
          data: {
            publisherId: state.publisherId,
            organizationId: state.organizationId,
            deletedBy: command.by,
            deletedAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const publisherCatalogDecider = {
  streamType: 'publisher',
  initialState: initialPublisherState,
  evolve: evolvePublisher,
  decide: decidePublisher,
};
