import { domainErrorsOf } from '@seren/service-kit/errors';
import { invalidFields, type FieldProblem } from '../pagination.js';
import { evolveWebhook, initialWebhookState, type WebhookEvent, type WebhookState } from './webhook.js';

export interface WebhookInput {
  name?: string | null;
  url?: string | null;
  method?: string | null;
  events?: string[] | null;
  /** custom headers sent with each delivery (values sealed; shown masked) */
  headers?: Record<string, string> | null;
  enabled?: boolean | null;
}

export type WebhookCommand =
  | {
      type: 'CreateWebhook';
      webhookId: string;
      locationId: string;
      input: WebhookInput;
      /** the HighLevel types a subscriber may list (the payload registry's) */
      knownEvents: readonly string[];
      secretId: string;
      actor: string | null;
      now: string;
    }
  | {
      type: 'UpdateWebhook';
      input: WebhookInput;
      knownEvents: readonly string[];
      actor: string | null;
      now: string;
    }
  | {
      type: 'RotateWebhookSecret';
      secretId: string;
      previousSecretExpiresAt: string;
      actor: string | null;
      now: string;
    }
  | { type: 'DisableWebhook'; consecutiveFailures: number; now: string }
  | { type: 'DeleteWebhook'; actor: string | null; now: string };

export type WebhookReason = 'WEBHOOK_EXISTS';
export const webhookErrors = domainErrorsOf<WebhookReason>();

/** Ours on every delivery: a subscriber's header of the same name would be replaced, so it is refused. */
const RESERVED_HEADERS = [
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'user-agent',
  'x-serebro-signature',
  'x-ghl-signature',
  'x-webhook-delivery-id',
];

function nameOf(raw: string | null | undefined, problems: FieldProblem[]): string | null | undefined {
  if (raw === undefined) return undefined;
  const name = raw?.trim() || null;
  if (name && name.length > 100) problems.push({ field: 'name', message: 'at most 100 characters' });
  return name;
}

function methodOf(raw: string | null | undefined, problems: FieldProblem[]): 'POST' | 'GET' | undefined {
  if (raw === undefined || raw === null) return undefined;
  const method = raw.trim().toUpperCase();
  if (method !== 'POST' && method !== 'GET') {
    problems.push({ field: 'method', message: 'must be POST or GET' });
    return undefined;
  }
  return method;
}

function eventsOf(raw: string[] | null | undefined, known: readonly string[], problems: FieldProblem[]) {
  if (raw === undefined) return undefined;
  const events = [...new Set((raw ?? []).map((e) => e.trim()).filter(Boolean))];
  if (events.length === 0) problems.push({ field: 'events', message: 'name at least one event' });
  const unknown = events.filter((e) => !known.includes(e));
  if (unknown.length > 0)
    problems.push({
      field: 'events',
      message: `unknown events ${unknown.join(', ')}; known: ${known.join(', ')}`,
    });
  return events;
}

/** Header names (RFC 7230 tokens), not ours, at most 20, values at most 4,096 characters without line breaks. */
export function headerProblems(headers: Record<string, string> | null | undefined): FieldProblem[] {
  if (!headers) return [];
  const problems: FieldProblem[] = [];
  const entries = Object.entries(headers);
  if (entries.length > 20) problems.push({ field: 'headers', message: 'at most 20 headers' });
  for (const [name, value] of entries) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/.test(name))
      problems.push({ field: 'headers', message: `"${name}" is not a header name` });
    else if (RESERVED_HEADERS.includes(name.toLowerCase()))
      problems.push({ field: 'headers', message: `${name} is set by the delivery itself` });
    if (typeof value !== 'string' || value.length > 4096 || /[\r\n]/.test(value))
      problems.push({
        field: 'headers',
        message: `${name}: a value of at most 4,096 characters on one line`,
      });
  }
  return problems;
}

export function decideWebhook(command: WebhookCommand, state: WebhookState): WebhookEvent[] {
  switch (command.type) {
    case 'CreateWebhook': {
      if (state.status !== 'none')
        throw webhookErrors.conflict('webhook already exists', { reason: 'WEBHOOK_EXISTS' });
      const problems: FieldProblem[] = [];
      const name = nameOf(command.input.name, problems) ?? null;
      if (!command.input.url) problems.push({ field: 'url', message: 'is required' });
      const method = methodOf(command.input.method, problems) ?? 'POST';
      const events = eventsOf(command.input.events ?? null, command.knownEvents, problems) ?? [];
      problems.push(...headerProblems(command.input.headers));
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'WebhookSubscriptionCreated',
          data: {
            webhookId: command.webhookId,
            locationId: command.locationId,
            name,
            url: command.input.url!,
            method,
            events,
            headerNames: Object.keys(command.input.headers ?? {}),
            enabled: command.input.enabled ?? true,
            secretId: command.secretId,
            createdBy: command.actor,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'UpdateWebhook': {
      const webhook = active(state);
      const problems: FieldProblem[] = [];
      const name = nameOf(command.input.name, problems);
      if (command.input.url === null) problems.push({ field: 'url', message: 'cannot be cleared' });
      const method = methodOf(command.input.method, problems);
      const events = eventsOf(command.input.events, command.knownEvents, problems);
      problems.push(...headerProblems(command.input.headers));
      if (problems.length > 0) throw invalidFields(problems);
      const data: Extract<WebhookEvent, { type: 'WebhookSubscriptionUpdated' }>['data'] = {
        webhookId: webhook.webhookId,
        locationId: webhook.locationId,
        updatedBy: command.actor,
        updatedAt: command.now,
      };
      if (name !== undefined && name !== webhook.name) data.name = name;
      if (command.input.url && command.input.url !== webhook.url) data.url = command.input.url;
      if (method && method !== webhook.method) data.method = method;
      if (events && events.join('\n') !== webhook.events.join('\n')) data.events = events;
      // header values are not evented: a change of values alone is an update by names (the same list)
      if (command.input.headers !== undefined) data.headerNames = Object.keys(command.input.headers ?? {});
      if (typeof command.input.enabled === 'boolean' && command.input.enabled !== webhook.enabled)
        data.enabled = command.input.enabled;
      if (Object.keys(data).length === 4) return [];
      return [{ type: 'WebhookSubscriptionUpdated', data }];
    }
    case 'RotateWebhookSecret': {
      const webhook = active(state);
      return [
        {
          type: 'WebhookSigningSecretRotated',
          data: {
            webhookId: webhook.webhookId,
            locationId: webhook.locationId,
            secretId: command.secretId,
            previousSecretId: webhook.secretId,
            previousSecretExpiresAt: command.previousSecretExpiresAt,
            rotatedBy: command.actor,
            rotatedAt: command.now,
          },
        },
      ];
    }
    case 'DisableWebhook': {
      // the engine's decision; a webhook deleted or already disabled meanwhile stays as it is
      if (state.status !== 'active' || !state.enabled) return [];
      return [
        {
          type: 'WebhookSubscriptionDisabled',
          data: {
            webhookId: state.webhookId,
            locationId: state.locationId,
            reason: 'consecutive_failures',
            consecutiveFailures: command.consecutiveFailures,
            disabledAt: command.now,
          },
        },
      ];
    }
    case 'DeleteWebhook': {
      const webhook = active(state);
      return [
        {
          type: 'WebhookSubscriptionDeleted',
          data: {
            webhookId: webhook.webhookId,
            locationId: webhook.locationId,
            deletedBy: command.actor,
            deletedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

function active(state: WebhookState) {
  if (state.status !== 'active') throw webhookErrors.notFound('webhook');
  return state;
}

export const webhookDecider = {
  streamType: 'webhook',
  initialState: initialWebhookState,
  evolve: evolveWebhook,
  decide: decideWebhook,
};
