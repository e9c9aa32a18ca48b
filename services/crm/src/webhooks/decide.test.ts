import { specOf } from '@seren/testing';
import { webhookDecider } from './decide';
import type { WebhookEvent } from './webhook';

const given = specOf(webhookDecider);
const now = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:00.000Z';
const knownEvents = ['ContactCreate', 'ContactUpdate', 'OpportunityCreate'];
const create = {
  type: 'CreateWebhook' as const,
  webhookId: 'w1',
  locationId: 'loc',
  input: { url: 'https://hooks.example.com/in', events: ['ContactCreate'], headers: { 'X-Api-Key': 'k' } },
  knownEvents,
  secretId: 's1',
  actor: 'user:u1',
  now,
};
const created: WebhookEvent = {
  type: 'WebhookSubscriptionCreated',
  data: {
    webhookId: 'w1',
    locationId: 'loc',
    name: null,
    url: 'https://hooks.example.com/in',
    method: 'POST',
    events: ['ContactCreate'],
    headerNames: ['X-Api-Key'],
    enabled: true,
    secretId: 's1',
    createdBy: 'user:u1',
    createdAt: now,
  },
};

describe('webhook subscription decider', () => {
  it('creates a POST subscription, enabled, naming its custom headers but never their values', () =>
    given([]).when(create).then([created]));

  it('refuses unknown events, a bad method, our own headers and no URL, listing every field', () =>
    given([])
      .when({
        ...create,
        input: { method: 'PUT', events: ['Nope'], headers: { 'X-GHL-Signature': 'x', 'bad name': 'y' } },
      })
      .thenThrows({
        code: 'VALIDATION_ERROR',
        details: {
          fields: [
            { field: 'url', message: 'is required' },
            { field: 'method', message: 'must be POST or GET' },
            { field: 'events', message: expect.stringContaining('unknown events Nope') },
            { field: 'headers', message: 'X-GHL-Signature is set by the delivery itself' },
            { field: 'headers', message: '"bad name" is not a header name' },
          ],
        },
      }));

  it('updates only what changed, and nothing when nothing did', () => {
    given([created])
      .when({
        type: 'UpdateWebhook',
        input: { method: 'get', enabled: false, events: ['ContactCreate'] },
        knownEvents,
        actor: null,
        now: later,
      })
      .then([
        {
          type: 'WebhookSubscriptionUpdated',
          data: {
            webhookId: 'w1',
            locationId: 'loc',
            method: 'GET',
            enabled: false,
            updatedBy: null,
            updatedAt: later,
          },
        },
      ]);
    given([created])
      .when({ type: 'UpdateWebhook', input: { url: created.data.url }, knownEvents, actor: null, now: later })
      .thenNothing();
  });

  it('rotates the secret, naming the previous one and when it stops signing', () =>
    given([created])
      .when({
        type: 'RotateWebhookSecret',
        secretId: 's2',
        previousSecretExpiresAt: later,
        actor: 'user:u1',
        now,
      })
      .then([
        {
          type: 'WebhookSigningSecretRotated',
          data: {
            webhookId: 'w1',
            locationId: 'loc',
            secretId: 's2',
            previousSecretId: 's1',
            previousSecretExpiresAt: later,
            rotatedBy: 'user:u1',
            rotatedAt: now,
          },
        },
      ]));

  it('is disabled by the engine once; a disabled or deleted one stays as it is', () => {
    const disabled: WebhookEvent = {
      type: 'WebhookSubscriptionDisabled',
      data: {
        webhookId: 'w1',
        locationId: 'loc',
        reason: 'consecutive_failures',
        consecutiveFailures: 20,
        disabledAt: later,
      },
    };
    given([created]).when({ type: 'DisableWebhook', consecutiveFailures: 20, now: later }).then([disabled]);
    given([created, disabled])
      .when({ type: 'DisableWebhook', consecutiveFailures: 21, now: later })
      .thenNothing();
    const deleted: WebhookEvent = {
      type: 'WebhookSubscriptionDeleted',
      data: { webhookId: 'w1', locationId: 'loc', deletedBy: null, deletedAt: later },
    };
    given([created]).when({ type: 'DeleteWebhook', actor: null, now: later }).then([deleted]);
    given([created, deleted])
      .when({ type: 'DisableWebhook', consecutiveFailures: 20, now: later })
      .thenNothing();
    given([created, deleted])
      .when({ type: 'DeleteWebhook', actor: null, now: later })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
