import {
  WebhookSigningSecretRotated,
  WebhookSubscriptionCreated,
  WebhookSubscriptionDeleted,
  WebhookSubscriptionDisabled,
  WebhookSubscriptionUpdated,
  type EventOf,
} from '@seren/contracts';

export type WebhookEvent = EventOf<
  [
    typeof WebhookSubscriptionCreated,
    typeof WebhookSubscriptionUpdated,
    typeof WebhookSigningSecretRotated,
    typeof WebhookSubscriptionDisabled,
    typeof WebhookSubscriptionDeleted,
  ]
>;

export const webhookStream = (webhookId: string) => `webhook-${webhookId}`;

export type WebhookState =
  | { status: 'none' }
  | {
      status: 'active' | 'deleted';
      webhookId: string;
      locationId: string;
      name: string | null;
      url: string;
      method: 'POST' | 'GET';
      events: string[];
      headerNames: string[];
      enabled: boolean;
      secretId: string;
    };

export const initialWebhookState = (): WebhookState => ({ status: 'none' });

export function evolveWebhook(state: WebhookState, event: WebhookEvent): WebhookState {
  switch (event.type) {
    case 'WebhookSubscriptionCreated': {
      const { createdAt: _at, createdBy: _by, ...fields } = event.data;
      return { status: 'active', ...fields };
    }
    case 'WebhookSubscriptionUpdated': {
      if (state.status === 'none') return state;
      const { updatedAt: _at, updatedBy: _by, webhookId: _id, locationId: _loc, ...changes } = event.data;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      return { ...state, ...defined };
    }
    case 'WebhookSigningSecretRotated':
      return state.status === 'none' ? state : { ...state, secretId: event.data.secretId };
    case 'WebhookSubscriptionDisabled':
      return state.status === 'none' ? state : { ...state, enabled: false };
    case 'WebhookSubscriptionDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
