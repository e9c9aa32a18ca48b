/**
 * Serebro's OAuth 2.0 scope catalog (v2 API, marketplace apps and private integration tokens).
 *
 * Canonical names are the spec's form, `<resource>:read` / `<resource>:write` (and `oauth.write`,
 * which the spec names as is). HighLevel's names (`contacts.readonly`, `calendars/events.write`, ...)
 * are accepted as aliases of the same scope, so an integrator's existing scope list moves over
 * unchanged. Identity issues tokens with canonical names only; the gateway checks canonical names.
 * Dependency-free, so the edge documents the list in OpenAPI and every service reads one catalog.
 */
export interface SerebroScopeDefinition {
  /** the canonical name, e.g. `contacts:read` */
  name: string;
  description: string;
  /** HighLevel's names for the same access, e.g. `contacts.readonly` */
  aliases: readonly string[];
}

const scope = (name: string, description: string, aliases: readonly string[] = []): SerebroScopeDefinition => ({
  name,
  description,
  aliases,
});

export const SEREBRO_SCOPES: readonly SerebroScopeDefinition[] = [
  scope('contacts:read', 'Read contacts', ['contacts.readonly']),
  scope('contacts:write', 'Create, update and delete contacts', ['contacts.write']),
  scope('opportunities:read', 'Read opportunities and pipelines', ['opportunities.readonly']),
  scope('opportunities:write', 'Create and update opportunities', ['opportunities.write']),
  scope('appointments:read', 'Read appointments (calendar events)', [
    'calendars/events.readonly',
    'calendars.readonly',
  ]),
  scope('appointments:write', 'Book and cancel appointments (calendar events)', [
    'calendars/events.write',
    'calendars.write',
  ]),
  scope('workflows:read', 'Read workflows and their executions', ['workflows.readonly']),
  scope('workflows:write', 'Trigger workflow executions', ['workflows.write']),
  scope('webhooks:read', 'Read webhook subscriptions and deliveries', ['webhooks.readonly']),
  scope('webhooks:write', 'Manage webhook subscriptions', ['webhooks.write']),
  scope('payments:read', 'Read orders, transactions, subscriptions and payment integrations', [
    'payments/orders.readonly',
    'payments/transactions.readonly',
    'payments/subscriptions.readonly',
    'payments/integration.readonly',
    'payments/custom-provider.readonly',
  ]),
  scope('payments:write', 'Manage payment intents, refunds and the payment integrations (Stripe, custom provider)', [
    'payments/orders.write',
    'payments/integration.write',
    'payments/custom-provider.write',
  ]),
  scope('locations:read', 'Read locations (sub-accounts) and their settings', ['locations.readonly']),
  scope('locations:write', 'Update locations (sub-accounts) and their settings', ['locations.write']),
  scope('users:read', 'Read users', ['users.readonly']),
  scope('users:write', 'Create, update and delete users', ['users.write']),
  scope('oauth:read', 'Read where the app is installed', ['oauth.readonly']),
  scope('oauth.write', "Exchange an agency token for one of its locations' tokens", ['oauth:write']),
];

const byName = new Map<string, string>();
for (const definition of SEREBRO_SCOPES) {
  byName.set(definition.name, definition.name);
  for (const alias of definition.aliases) byName.set(alias, definition.name);
}

/** The canonical name of a scope or of one of its HighLevel aliases; undefined for an unknown name. */
export function canonicalSerebroScope(name: string): string | undefined {
  return byName.get(name);
}

/**
 * Parses a space-separated scope list (OAuth's `scope` parameter) into canonical names, in catalog
 * order without duplicates. Unknown names are returned apart, so the caller can refuse them
 * (`invalid_scope`) instead of dropping them silently.
 */
export function parseSerebroScopes(list: string): { scopes: string[]; unknown: string[] } {
  const wanted = new Set<string>();
  const unknown: string[] = [];
  for (const name of list.split(/\s+/).filter(Boolean)) {
    const canonical = byName.get(name);
    if (canonical) wanted.add(canonical);
    else unknown.push(name);
  }
  const scopes = SEREBRO_SCOPES.map((definition) => definition.name).filter((name) => wanted.has(name));
  return { scopes, unknown };
}

/** Every accepted name, canonical and alias (for OpenAPI security schemes and input schemas). */
export const SEREBRO_SCOPE_NAMES: readonly string[] = [...byName.keys()];
