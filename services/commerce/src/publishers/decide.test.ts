import { isDomainError } from '@seren/service-kit/errors';
import { changePct } from './analytics';
import { decidePublisher, publisherCatalogDecider, type PublisherCommand } from './decide';
import type { PublisherEvent, PublisherState } from './publisher';

const T0 = '2026-01-01T00:00:00.000Z';
const create = (input: Record<string, unknown>): PublisherCommand => ({
  type: 'CreatePublisher',
  publisherId: 'p1',
  organizationId: 'o1',
  slug: input.slug ?? 'weather-api',
  name: input.name ?? 'Weather API',
  input,
  acceptedAssetIds: ['USDC'],
  by: 'u1',
  now: T0,
});
const given = (...events: PublisherEvent[]): PublisherState =>
  events.reduce((s, e) => publisherCatalogDecider.evolve(s, e), publisherCatalogDecider.initialState());
const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isDomainError(error)
      ? `${error.code}/${error.reason ?? ''}/${String(error.details.field ?? '')}`
      : String(error);
  }
  return 'no error';
};
const api = { api_url: 'https://api.example.com/v1', upstream_api_key: 'sk_live_abcdefghijklmnop1234' };

describe('publishers', () => {
  it('creates an API publisher: settings normalized, the secret only masked in the event, prices for USDC', () => {
    const events = decidePublisher(
      create({
        ...api,
        slug: 'Weather-API',
        api_key_header: 'X-API-Key',
        allowed_passthrough_headers: ['X-Request-Id', 'x-request-id'],
        categories: ['weather', 'weather'],
        price_per_call: '0.001',
        max_queries_per_minute: 60,
      }),
      given(),
    );
    expect(events.map((e) => e.type)).toEqual(['PublisherCreated', 'PublisherPricingUpdated']);
    const [created, priced] = events;
    expect(created!.data).toMatchObject({
      slug: 'weather-api',
      integrationType: 'api',
      config: {
        api_url: 'https://api.example.com/v1',
        api_key_header: 'X-API-Key',
        allowed_passthrough_headers: ['x-request-id'],
        categories: ['weather'],
        accepted_asset_ids: ['USDC'],
      },
      secrets: { upstream_api_key: 'sk_…1234' },
    });
    expect(JSON.stringify(events)).not.toContain('abcdefghijklmnop');
    expect(priced!.data).toMatchObject({
      assetId: 'USDC',
      pricing: { price_per_call: '1000', max_queries_per_minute: 60 },
    });
  });

  it('derives the integration type and asks each for its upstream (400 MISSING_UPSTREAM)', () => {
    expect(reasonOf(() => decidePublisher(create({}), given()))).toBe(
      'VALIDATION_ERROR/MISSING_UPSTREAM/api_url',
    );
    expect(reasonOf(() => decidePublisher(create({ compute_type: 'agent' }), given()))).toBe(
      'VALIDATION_ERROR/MISSING_UPSTREAM/a2a_endpoint_url',
    );
    expect(reasonOf(() => decidePublisher(create({ publisher_category: 'database' }), given()))).toBe(
      'VALIDATION_ERROR/MISSING_UPSTREAM/connection_string',
    );
    expect(reasonOf(() => decidePublisher(create({ integration_type: 'mcp' }), given()))).toBe(
      'VALIDATION_ERROR/MISSING_UPSTREAM/mcp_endpoint',
    );
    const [db] = decidePublisher(
      create({ publisher_category: 'database', connection_string: 'postgresql://u:p@localhost/db' }),
      given(),
    );
    expect(db!.data).toMatchObject({
      integrationType: 'database',
      secrets: { connection_string: expect.any(String) },
    });
    const [agent] = decidePublisher(
      create({ compute_type: 'agent', a2a_endpoint_url: 'http://a.example/a2a' }),
      given(),
    );
    expect(agent!.data).toMatchObject({ integrationType: 'agent' });
  });

  it('refuses bad settings with 400 naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...api, slug: 'no spaces' }, 'slug'],
      [{ ...api, name: '' }, 'name'],
      [{ ...api, api_url: 'ftp://x' }, 'api_url'],
      [{ ...api, api_url: 'https://user:pw@x.example' }, 'api_url'],
      [{ ...api, billing_model: 'free_lunch' }, 'billing_model'],
      [{ ...api, auth_type: 'magic' }, 'auth_type'],
      [{ ...api, allowed_passthrough_headers: ['Host'] }, 'allowed_passthrough_headers'],
      [{ ...api, price_per_call: '0.0000001' }, 'price_per_call'],
      [{ ...api, max_queries_per_minute: 0 }, 'max_queries_per_minute'],
      [{ ...api, wallet_address: '0x12' }, 'wallet_address'],
      [{ ...api, connection_string: 'mysql://x' }, 'connection_string'],
      [{ ...api, api_headers: { 'X-A': 'line\nbreak' } }, 'api_headers'],
    ];
    for (const [input, field] of cases)
      expect(reasonOf(() => decidePublisher(create(input), given()))).toMatch(
        new RegExp(`^VALIDATION_ERROR/[A-Z_]+/${field}$`),
      );
  });

  it('an update changes only what differs; clearing a secret is evented as null; unknown upstream stays checked', () => {
    const state = given(...decidePublisher(create(api), given()));
    const same = decidePublisher(
      {
        type: 'UpdatePublisher',
        input: { api_url: api.api_url },
        acceptedAssetIds: undefined,
        by: 'u1',
        now: T0,
      },
      state,
    );
    expect(same).toEqual([]);
    const [updated] = decidePublisher(
      {
        type: 'UpdatePublisher',
        input: { name: 'Weather', upstream_api_key: null },
        acceptedAssetIds: undefined,
        by: 'u1',
        now: T0,
      },
      state,
    );
    expect(updated).toMatchObject({
      type: 'PublisherUpdated',
      data: { changes: { name: 'Weather' }, secrets: { upstream_api_key: null } },
    });
    expect(
      reasonOf(() =>
        decidePublisher(
          {
            type: 'UpdatePublisher',
            input: { api_url: null },
            acceptedAssetIds: undefined,
            by: 'u1',
            now: T0,
          },
          state,
        ),
      ),
    ).toBe('VALIDATION_ERROR/MISSING_UPSTREAM/api_url');
  });

  it('pricing merges per asset; a deleted publisher is not found for anything', () => {
    let state = given(...decidePublisher(create({ ...api, price_per_call: '0.01' }), given()));
    const [priced] = decidePublisher(
      {
        type: 'SetPublisherPricing',
        assetId: 'USDC',
        input: { base_price_per_1000_rows: '0.5', price_per_call: null },
        by: 'u1',
        now: T0,
      },
      state,
    );
    expect(priced).toMatchObject({
      type: 'PublisherPricingUpdated',
      data: { pricing: { base_price_per_1000_rows: '500000' } },
    });
    expect(Object.keys((priced!.data as { pricing: object }).pricing)).toEqual(['base_price_per_1000_rows']);
    state = given(
      ...decidePublisher(create(api), given()),
      ...decidePublisher({ type: 'DeletePublisher', by: 'u1', now: T0 }, state),
    );
    expect(reasonOf(() => decidePublisher({ type: 'DeletePublisher', by: 'u1', now: T0 }, state))).toBe(
      'NOT_FOUND/PUBLISHER_NOT_FOUND/',
    );
    expect(reasonOf(() => decidePublisher(create(api), state))).toBe('CONFLICT/SLUG_TAKEN/');
  });

  it('period-over-period change in whole percent', () => {
    expect(changePct(115n, 100n)).toBe(15);
    expect(changePct(50n, 100n)).toBe(-50);
    expect(changePct(1n, 3n)).toBe(-67);
    expect(changePct(5n, 0n)).toBe(100);
    expect(changePct(0n, 0n)).toBe(0);
  });
});
