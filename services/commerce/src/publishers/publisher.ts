import {
  PublisherCreated,
  PublisherDeleted,
  PublisherPricingUpdated,
  PublisherRegistered,
  PublisherUpdated,
  type EventOf,
} from '@seren/contracts';
import type { Config, IntegrationType, Pricing, SecretField } from './fields.js';

/** Every event of a publisher's stream: the minimal record's registration (charges) and the catalog's. */
export type PublisherEvent = EventOf<
  [
    typeof PublisherRegistered,
    typeof PublisherCreated,
    typeof PublisherUpdated,
    typeof PublisherPricingUpdated,
    typeof PublisherDeleted,
  ]
>;

export const publisherStream = (publisherId: string) => `publisher-${publisherId}`;

/** A publisher as its events left it: what update, pricing and delete decide on. */
export type PublisherState =
  | { status: 'none' }
  | {
      status: 'active' | 'deleted';
      publisherId: string;
      organizationId: string;
      slug: string;
      name: string;
      integrationType: IntegrationType;
      config: Config;
      /** the secrets it has (sealed), by name */
      secrets: SecretField[];
      /** pricing per asset id, as stored (atomic units) */
      pricing: Record<string, Pricing>;
    };

export const initialPublisherState = (): PublisherState => ({ status: 'none' });

function withoutNulls(record: Record<string, unknown>): Config {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null)) as Config;
}

function applySecrets(present: SecretField[], masked: Record<string, string | null>): SecretField[] {
  const names = new Set(present);
  for (const [name, value] of Object.entries(masked)) {
    if (value === null) names.delete(name as SecretField);
    else names.add(name as SecretField);
  }
  return [...names].sort();
}

export function evolvePublisher(state: PublisherState, event: PublisherEvent): PublisherState {
  switch (event.type) {
    case 'PublisherRegistered': {
      const d = event.data;
      return {
        status: 'active',
        publisherId: d.publisherId,
        organizationId: d.organizationId,
        slug: d.slug,
        name: d.name,
        integrationType: 'api',
        config: {},
        secrets: [],
        pricing: {},
      };
    }
    case 'PublisherCreated': {
      const d = event.data;
      return {
        status: 'active',
        publisherId: d.publisherId,
        organizationId: d.organizationId,
        slug: d.slug,
        name: d.name,
        integrationType: d.integrationType,
        config: withoutNulls(d.config),
        secrets: applySecrets([], d.secrets),
        pricing: {},
      };
    }
    case 'PublisherUpdated': {
      if (state.status === 'none') return state;
      const { name, ...changes } = event.data.changes;
      return {
        ...state,
        name: typeof name === 'string' ? name : state.name,
        integrationType: event.data.integrationType ?? state.integrationType,
        config: withoutNulls({ ...state.config, ...changes }),
        secrets: applySecrets(state.secrets, event.data.secrets),
      };
    }
    case 'PublisherPricingUpdated':
      if (state.status === 'none') return state;
      return {
        ...state,
        pricing: { ...state.pricing, [event.data.assetId]: event.data.pricing as Pricing },
      };
    case 'PublisherDeleted':
      if (state.status === 'none') return state;
      return { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
