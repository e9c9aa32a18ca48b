import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accounts, agentWallet, postEntry } from '@seren/commerce/dist/ledger/index.js';
import { placeHold } from '@seren/commerce/dist/ledger/holds.js';
import { findPublisherBySlug, openPublisherSecrets } from '@seren/commerce/dist/publishers/index.js';
import { rewrapPublisherSecrets } from '@seren/commerce/dist/publishers/secrets.js';
import { keyring } from '@seren/service-kit/sealing';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restAgent } from '../../test-support/rest-flows';

/** The analytics are a consumer of the usage events: waits until it applied `count` events of the publisher. */
async function usageApplied(suite: RestSuite, publisherId: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = (await suite.commerce.dataSource.query(
      `select count(*)::int as applied from processed_events p join events e on e.event_id = p.event_id
       where p.group_id = $2 and e.type = 'PublisherCallCompleted' and e.data->>'publisherId' = $1`,
      [publisherId, suite.groups.PUBLISHER_USAGE_GROUP],
    )) as { applied: number }[];
    const applied = rows[0]?.applied ?? 0;
    if (applied >= count) return;
    if (Date.now() > deadline) throw new Error(`usage consumer applied ${applied} of ${count} events`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// SerenAI publishers through the gateway: an organization's publishers (create, list, get, update,
// soft delete, pricing, earnings), the store (list with filters and pages, suggest, by slug), the
// analytics fed by the usage events, and what the proxy reads (findPublisherBySlug and the sealed
// secrets). Real PostgreSQL, Kafka and Temporal.

const SECRET_KEY = 'sk_live_9f8e7d6c5b4a3210ffee';
const CONNECTION = 'postgresql://reader:s3cr3t-pw@127.0.0.1:5432/weather';

describe('SerenAI publishers through the gateway', () => {
  let s: RestSuite;
  let owner: Awaited<ReturnType<typeof restAgent>>;
  let other: Awaited<ReturnType<typeof restAgent>>;
  const tag = randomUUID().slice(0, 8);
  beforeAll(async () => {
    s = await startRestSuite();
    [owner, other] = await Promise.all([restAgent(s, 'Publisher Co'), restAgent(s, 'Someone Else')]);
  });
  afterAll(() => s?.close());

  const orgPath = (suffix = '', org = 'default') => `/organizations/${org}/publishers${suffix}`;
  const create = (body: Record<string, unknown>, token = owner.token, org = 'default') =>
    s.serenai('POST', orgPath('', org), { token, body });
  const apiBody = (slug: string, extra: Record<string, unknown> = {}) => ({
    name: 'Weather API',
    slug,
    description: 'Hourly weather forecasts and historical observations for any city',
    categories: ['Weather', 'data'],
    capabilities: ['forecast', 'geocoding'],
    use_cases: ['Plan an outdoor event around the rain'],
    integration_type: 'api',
    api_url: 'http://127.0.0.1:9/v1',
    auth_type: 'static',
    api_key_header: 'X-API-Key',
    upstream_api_key: SECRET_KEY,
    api_headers: { 'X-Account': 'acct-42' },
    allowed_passthrough_headers: ['X-Request-Id'],
    billing_model: 'prepaid_credits',
    wallet_address: '0x' + 'ab'.repeat(20),
    wallet_network_id: 'eip155:84532',
    price_per_call: '0.002',
    max_queries_per_minute: 120,
    is_geo_restricted: true,
    geo_blocked_countries: ['cu', 'IR'],
    geo_proxy_region: 'eu-west-1',
    ...extra,
  });

  it('POST creates an API publisher (201): every setting back, secrets sealed and never answered, USDC pricing', async () => {
    const slug = `weather-${tag}`;
    const r = await create(apiBody(slug));
    expect(r.status).toBe(201);
    const p = r.body.data;
    expect(p).toMatchObject({
      slug,
      name: 'Weather API',
      organization_id: owner.organizationId,
      integration_type: 'api',
      status: 'active',
      is_verified: false,
      is_active: true,
      api_url: 'http://127.0.0.1:9/v1',
      api_key_header: 'X-API-Key',
      allowed_passthrough_headers: ['x-request-id'],
      categories: ['Weather', 'data'],
      accepted_asset_ids: ['USDC'],
      billing_model: 'prepaid_credits',
      geo_blocked_countries: ['CU', 'IR'],
      has_upstream_api_key: true,
      has_api_headers: true,
      has_connection_string: false,
      deleted_at: null,
      pricing: [
        expect.objectContaining({ asset_id: 'USDC', price_per_call: '0.002', max_queries_per_minute: 120 }),
      ],
    });
    expect(r.text).not.toContain(SECRET_KEY);
    expect(r.text).not.toContain('acct-42');
    expect(Object.keys(p).length).toBeGreaterThanOrEqual(60);

    // the event carries the masked secret only; the sealed row opens to the clear value
    const events: { data: unknown }[] = await s.commerce.application.dataSource.query(
      `select data from events where stream_id = $1`,
      [`publisher-${p.id}`],
    );
    expect(JSON.stringify(events)).not.toContain(SECRET_KEY);
    expect(JSON.stringify(events)).toContain('sk_…ffee');
    const sealed: { sealed: string }[] = await s.commerce.application.dataSource.query(
      `select sealed from publisher_secrets where publisher_id = $1`,
      [p.id],
    );
    expect(sealed).toHaveLength(2);
    expect(JSON.stringify(sealed)).not.toContain(SECRET_KEY);

    // what the proxy reads
    const proxy = await findPublisherBySlug(s.commerce.application.dataSource.manager, slug.toUpperCase());
    expect(proxy).toMatchObject({
      id: p.id,
      integrationType: 'api',
      status: 'active',
      billingModel: 'prepaid_credits',
      primaryAssetId: 'USDC',
      maxQueriesPerMinute: 120,
      upstream: {
        apiUrl: 'http://127.0.0.1:9/v1',
        apiKeyHeader: 'X-API-Key',
        allowedPassthroughHeaders: ['x-request-id'],
      },
      geo: { restricted: true, blockedCountries: ['CU', 'IR'], proxyRegion: 'eu-west-1' },
      hasSecrets: { upstream_api_key: true, api_headers: true, connection_string: false },
    });
    expect(proxy!.pricing.USDC!.pricePerCall).toBe(2_000n);
    await expect(openPublisherSecrets(s.commerce.application, proxy!)).resolves.toEqual({
      upstreamApiKey: SECRET_KEY,
      apiHeaders: { 'X-Account': 'acct-42' },
    });
  });

  it('creates database, agent and MCP publishers; each needs its upstream (400); a taken slug is 409', async () => {
    const db = await create({
      name: 'Weather DB',
      slug: `weather-db-${tag}`,
      publisher_category: 'database',
      database_type: 'postgres',
      connection_string: CONNECTION,
      base_price_per_1000_rows: '0.5',
      query_timeout_ms: 2_000,
      max_rows_per_query: 500,
    });
    expect(db.status).toBe(201);
    expect(db.body.data).toMatchObject({
      integration_type: 'database',
      has_connection_string: true,
      query_timeout_ms: 2000,
    });
    expect(db.text).not.toContain('s3cr3t-pw');
    const dbProxy = await findPublisherBySlug(s.commerce.application.dataSource.manager, `weather-db-${tag}`);
    expect(dbProxy!.upstream.database).toEqual({
      databaseName: null,
      statementTimeoutMs: 2_000,
      maxRows: 500,
    });
    expect(dbProxy!.pricing.USDC!.basePricePer1000Rows).toBe(500_000n);
    expect((await openPublisherSecrets(s.commerce.application, dbProxy!)).connectionString).toBe(CONNECTION);

    const agent = await create({
      name: 'Research Agent',
      slug: `agent-${tag}`,
      compute_type: 'agent',
      a2a_endpoint_url: 'http://127.0.0.1:9/a2a',
      hourly_rate: '1.20',
      min_charge: '0.05',
    });
    expect(agent.status).toBe(201);
    expect(agent.body.data).toMatchObject({
      integration_type: 'agent',
      a2a_endpoint_url: 'http://127.0.0.1:9/a2a',
    });
    const mcp = await create({
      name: 'Tools',
      slug: `mcp-${tag}`,
      integration_type: 'mcp',
      mcp_endpoint: 'http://localhost:9/mcp',
    });
    expect(mcp.status).toBe(201);
    expect(mcp.body.data.integration_type).toBe('mcp');

    const missing = await create({ name: 'No upstream', slug: `none-${tag}`, compute_type: 'agent' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error: 'MISSING_UPSTREAM',
      message: expect.stringContaining('a2a_endpoint_url'),
    });
    const taken = await create(apiBody(`weather-${tag}`));
    expect(taken.status).toBe(409);
    expect(taken.body.error).toBe('SLUG_TAKEN');
  });

  it('the same slug created five times at once: one 201, four 409; concurrent updates of one publisher all apply', async () => {
    const slug = `race-${tag}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(apiBody(slug))));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const id = answers.find((r) => r.status === 201)!.body.data.id;
    const updates = await Promise.all(
      ['alpha', 'beta', 'gamma'].map((word) =>
        s.serenai('PUT', orgPath(`/${id}`), { token: owner.token, body: { capabilities: [word] } }),
      ),
    );
    expect(updates.map((r) => r.status)).toEqual([200, 200, 200]);
    const events: { type: string }[] = await s.commerce.application.dataSource.query(
      `select type from events where stream_id = $1 order by position`,
      [`publisher-${id}`],
    );
    expect(events.map((e) => e.type)).toEqual([
      'PublisherCreated',
      'PublisherPricingUpdated',
      'PublisherUpdated',
      'PublisherUpdated',
      'PublisherUpdated',
    ]);
  });

  it('400 for a bad setting, a private or metadata upstream address, an unknown asset; 403 for another organization', async () => {
    const bad = await create(apiBody(`bad-${tag}`, { billing_model: 'free_lunch' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('INVALID_FIELD');
    const metadata = await create(
      apiBody(`meta-${tag}`, { api_url: 'http://169.254.169.254/latest/meta-data' }),
    );
    expect(metadata.status).toBe(400);
    expect(metadata.body.error).toBe('PRIVATE_ADDRESS');
    const lan = await create(apiBody(`lan-${tag}`, { api_url: 'http://10.0.0.7/' }));
    expect(lan.status).toBe(400);
    const asset = await create(apiBody(`asset-${tag}`, { accepted_asset_ids: ['DOGE'] }));
    expect(asset.status).toBe(400);
    expect(asset.body.error).toBe('UNSUPPORTED_ASSET');
    const noSlug = await s.serenai('POST', orgPath(), { token: owner.token, body: { name: 'x' } });
    expect(noSlug.status).toBe(400);

    const foreign = await create(apiBody(`foreign-${tag}`), owner.token, other.organizationId);
    expect(foreign.status).toBe(403);
    expect((await s.serenai('GET', orgPath('', other.organizationId), { token: owner.token })).status).toBe(
      403,
    );
    expect((await s.serenai('GET', orgPath())).status).toBe(401);
  });

  it('list, get, update (null clears, add/remove assets, secrets rotate), pricing per asset; another org sees 403/404', async () => {
    const created = (await create(apiBody(`upd-${tag}`))).body.data;
    const list = await s.serenai('GET', orgPath(), { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: { id: string }) => p.id)).toContain(created.id);
    expect(
      list.body.data.every((p: { organization_id: string }) => p.organization_id === owner.organizationId),
    ).toBe(true);

    const got = await s.serenai('GET', orgPath(`/${created.id}`), { token: owner.token });
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(created);
    expect((await s.serenai('GET', orgPath(`/${randomUUID()}`), { token: owner.token })).status).toBe(404);
    expect((await s.serenai('GET', orgPath(`/${created.id}`), { token: other.token })).status).toBe(404);

    const updated = await s.serenai('PUT', orgPath(`/${created.id}`), {
      token: owner.token,
      body: {
        name: 'Weather API v2',
        description: null,
        upstream_api_key: 'sk_live_rotated_0000000000001111',
        api_headers: null,
        max_queries_per_minute: 30,
        add_asset_ids: ['usdc'],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      name: 'Weather API v2',
      description: null,
      has_upstream_api_key: true,
      has_api_headers: false,
      api_url: created.api_url,
      pricing: [expect.objectContaining({ price_per_call: '0.002', max_queries_per_minute: 30 })],
    });
    const proxy = await findPublisherBySlug(s.commerce.application.dataSource.manager, created.slug);
    expect(await openPublisherSecrets(s.commerce.application, proxy!)).toEqual({
      upstreamApiKey: 'sk_live_rotated_0000000000001111',
    });
    const removeLast = await s.serenai('PUT', orgPath(`/${created.id}`), {
      token: owner.token,
      body: { remove_asset_ids: ['USDC'] },
    });
    expect(removeLast.status).toBe(400);
    const clearUpstream = await s.serenai('PUT', orgPath(`/${created.id}`), {
      token: owner.token,
      body: { api_url: null },
    });
    expect(clearUpstream.status).toBe(400);
    expect(clearUpstream.body.error).toBe('MISSING_UPSTREAM');

    const pricing = await s.serenai('PUT', orgPath(`/${created.id}/pricing`), {
      token: owner.token,
      body: {
        asset_id: 'USDC',
        price_per_call: null,
        price_per_get: '0.001',
        markup_multiplier: '1.5',
        minimum_balance: '1',
      },
    });
    expect(pricing.status).toBe(200);
    expect(pricing.body.data).toMatchObject({
      publisher_id: created.id,
      asset_id: 'USDC',
      asset_symbol: 'USDC',
      price_per_call: null,
      price_per_get: '0.001',
      markup_multiplier: '1.5',
      minimum_balance: '1.00',
      max_queries_per_minute: 30,
    });
    const badAsset = await s.serenai('PUT', orgPath(`/${created.id}/pricing`), {
      token: owner.token,
      body: { asset_id: 'EUR', price_per_call: '1' },
    });
    expect(badAsset.status).toBe(400);
    const badPrice = await s.serenai('PUT', orgPath(`/${created.id}/pricing`), {
      token: owner.token,
      body: { asset_id: 'USDC', price_per_call: '-1' },
    });
    expect(badPrice.status).toBe(400);
    expect(
      (
        await s.serenai('PUT', orgPath(`/${created.id}/pricing`), {
          token: other.token,
          body: { asset_id: 'USDC' },
        })
      ).status,
    ).toBe(404);
  });

  it('DELETE soft deletes: gone from the list, the store and the proxy; history, earnings and the slug stay', async () => {
    const created = (await create(apiBody(`del-${tag}`))).body.data;
    const deleted = await s.serenai('DELETE', orgPath(`/${created.id}`), { token: owner.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toMatchObject({
      id: created.id,
      status: 'deleted',
      deleted_at: expect.any(String),
    });
    expect((await s.serenai('DELETE', orgPath(`/${created.id}`), { token: owner.token })).status).toBe(404);
    expect((await s.serenai('GET', orgPath(`/${created.id}`), { token: owner.token })).status).toBe(404);
    expect((await s.serenai('GET', `/publishers/${created.slug}`)).status).toBe(404);
    const list = await s.serenai('GET', orgPath(), { token: owner.token });
    expect(list.body.data.map((p: { id: string }) => p.id)).not.toContain(created.id);
    expect(
      await findPublisherBySlug(s.commerce.application.dataSource.manager, created.slug),
    ).toBeUndefined();
    expect((await create(apiBody(created.slug))).status).toBe(409);
    const earnings = await s.serenai('GET', orgPath(`/${created.id}/earnings`), { token: owner.token });
    expect(earnings.status).toBe(200);
  });

  it('the store: active publishers only, filters, pages; a stranger sees no upstream details', async () => {
    const store = `st${tag}`;
    const made = [];
    for (const [i, extra] of [
      [
        0,
        {
          categories: ['Finance'],
          description: 'Stock quotes and company filings',
          publisher_category: 'integration',
        },
      ],
      [1, { categories: ['finance', 'crypto'], description: 'Token prices across exchanges' }],
      [2, { categories: ['maps'], description: 'Geocoding and routing', is_active: false }],
    ] as const)
      made.push((await create(apiBody(`${store}-${i}`, { name: `${store} ${i}`, ...extra }))).body.data);
    await s.commerce.application.dataSource.query(`update publishers set is_verified = true where id = $1`, [
      made[1].id,
    ]);

    const searched = await s.serenai('GET', `/publishers?search=${store}&limit=100`);
    expect(searched.status).toBe(200);
    expect(searched.body.data.map((p: { slug: string }) => p.slug).sort()).toEqual([
      `${store}-0`,
      `${store}-1`,
    ]);
    expect(searched.body.pagination).toEqual({ total: 2, limit: 100, offset: 0 });
    const stranger = searched.body.data.find((p: { slug: string }) => p.slug === `${store}-0`);
    expect(stranger).toMatchObject({ api_url: null, api_key_header: null, has_upstream_api_key: false });
    expect(stranger.pricing[0].price_per_call).toBe('0.002');

    const finance = await s.serenai('GET', `/publishers?search=${store}&category=FINANCE`);
    expect(finance.body.data).toHaveLength(2);
    const integration = await s.serenai('GET', `/publishers?search=${store}&category=integration`);
    expect(integration.body.data.map((p: { slug: string }) => p.slug)).toEqual([`${store}-0`]);
    const verified = await s.serenai('GET', `/publishers?search=${store}&is_verified=true`);
    expect(verified.body.data.map((p: { slug: string }) => p.slug)).toEqual([`${store}-1`]);
    const page = await s.serenai('GET', `/publishers?search=${store}&limit=1&offset=1`);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.pagination).toEqual({ total: 2, limit: 1, offset: 1 });
    expect((await s.serenai('GET', '/publishers?limit=101')).status).toBe(400);
    expect((await s.serenai('GET', '/publishers?offset=-1')).status).toBe(400);

    const inactive = await s.serenai('GET', `/publishers/${store}-2`);
    expect(inactive.status).toBe(200);
    expect(inactive.body.data).toMatchObject({ status: 'inactive', is_active: false });
    const mine = await s.serenai('GET', `/publishers/${store}-0`, { token: owner.token });
    expect(mine.body.data.api_url).toBe('http://127.0.0.1:9/v1');
    expect((await s.serenai('GET', `/publishers/no-such-${tag}`)).status).toBe(404);
  });

  it('suggest ranks publishers against a task by full-text search over their listing; agents are planned', async () => {
    const sg = `sg${tag}`;
    await create(
      apiBody(`${sg}-scraper`, {
        name: `${sg} Web Scraper`,
        description: 'Scrape any website, render JavaScript pages and extract structured data',
        categories: ['scraping'],
        capabilities: ['web_scraping', 'pdf extraction'],
      }),
    );
    await create(
      apiBody(`${sg}-pdf`, {
        name: `${sg} Documents`,
        description: 'Convert documents; PDF extraction of tables and text',
        categories: ['documents'],
        capabilities: [],
      }),
    );
    const r = await s.serenai(
      'GET',
      `/publishers/suggest?query=${encodeURIComponent(`scrape a website ${sg}`)}&limit=20`,
    );
    expect(r.status).toBe(200);
    const ours = r.body.data.publishers.filter((x: { publisher: { slug: string } }) =>
      x.publisher.slug.startsWith(sg),
    );
    expect(ours[0].publisher.slug).toBe(`${sg}-scraper`);
    expect(ours[0].matched_terms).toEqual(expect.arrayContaining(['scrape', 'websit']));
    expect(ours[0].relevance_score).toBeGreaterThan(0);
    expect(r.body.data).toMatchObject({ type: 'both', agents: [], agent_suggestions: 'not_implemented' });

    const pdf = await s.serenai(
      'GET',
      `/publishers/suggest?query=${encodeURIComponent(`${sg} pdf extraction`)}`,
    );
    const order = pdf.body.data.publishers.map((x: { publisher: { slug: string } }) => x.publisher.slug);
    expect(order.slice(0, 2).sort()).toEqual([`${sg}-pdf`, `${sg}-scraper`]);
    const agentsOnly = await s.serenai('GET', `/publishers/suggest?query=scrape&type=agent`);
    expect(agentsOnly.body.data.publishers).toEqual([]);
    expect((await s.serenai('GET', '/publishers/suggest?query=')).status).toBe(400);
    expect((await s.serenai('GET', '/publishers/suggest?query=x&limit=21')).status).toBe(400);
    expect((await s.serenai('GET', '/publishers/suggest?query=x&type=robots')).status).toBe(400);
    expect((await s.serenai('GET', '/publishers/suggest')).status).toBe(400);
  });

  async function fundedAgent(funded: bigint) {
    const agent = await restAgent(s);
    await s.commerce.application.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'deposit_test',
        reference: randomUUID(),
        organizationId: agent.organizationId,
        lines: [
          {
            account: accounts.agentFunded(agent.organizationId, 'USDC'),
            asset: 'USDC' as const,
            amount: funded,
          },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC' as const, amount: -funded },
        ],
      }),
    );
    return { ...agent, wallet: agentWallet(agent.organizationId) };
  }

  it('earnings per asset from the ledger: available (charges), pending (open holds), paid out', async () => {
    const created = (await create(apiBody(`earn-${tag}`))).body.data;
    const agent = await fundedAgent(5_000_000n);
    const charged = await s.serenai('POST', `/billing/publishers/${created.slug}/charges`, {
      token: owner.token,
      body: { agent_wallet: agent.wallet, amount_atomic: 1_250_000, description: 'forecasts' },
    });
    expect(charged.status).toBe(200);
    await s.commerce.application.dataSource.transaction((tx) =>
      placeHold(tx, {
        holdId: randomUUID(),
        organizationId: agent.organizationId,
        publisherId: created.id,
        asset: 'USDC',
        amount: 300_000n,
        expiresAt: new Date(Date.now() + 60_000),
        at: new Date(),
      }),
    );
    const r = await s.serenai('GET', orgPath(`/${created.id}/earnings`), { token: owner.token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: [
        {
          publisher_id: created.id,
          asset_id: 'USDC',
          asset_symbol: 'USDC',
          available_atomic: 1_250_000,
          available: '1.25',
          pending_atomic: 300_000,
          pending: '0.30',
          pending_holds: 1,
          paid_out_atomic: 0,
          paid_out: '0.00',
          total_earned_atomic: 1_250_000,
          total_earned: '1.25',
        },
      ],
      pagination: null,
    });
    expect((await s.serenai('GET', orgPath(`/${created.id}/earnings`), { token: other.token })).status).toBe(
      404,
    );
    expect(
      (
        await s.serenai('GET', orgPath(`/${created.id}/earnings`, other.organizationId), {
          token: owner.token,
        })
      ).status,
    ).toBe(403);
  });

  it('analytics from the usage events: revenue with period-over-period change, revenue by day, top agents', async () => {
    const created = (await create(apiBody(`stats-${tag}`))).body.data;
    const a = await fundedAgent(9_000_000n);
    const b = await fundedAgent(1_000_000n);
    const day = 86_400_000;
    const now = Date.now();
    // what the proxy appends for each call (PublisherCallCompleted, commerce's own stream), here written directly
    const call = (
      wallet: string,
      organizationId: string | null,
      cost: number,
      outcome: 'captured' | 'released' | 'free',
      at: number,
    ) =>
      s.commerce.application.store.append(`publisher-call-${randomUUID()}`, 'publisher_call', [
        {
          type: 'PublisherCallCompleted',
          data: {
            callId: randomUUID(),
            publisherId: created.id,
            organizationId,
            agentId: null,
            agentWallet: wallet,
            kind: 'proxy',
            paidWith: outcome === 'free' ? null : 'wallet',
            asset: 'USDC',
            cost: String(cost),
            rows: null,
            latencyMs: 12,
            status: outcome === 'released' ? 502 : 200,
            outcome,
            entryId: null,
            txHash: null,
            at: new Date(at).toISOString(),
          },
        },
      ]);
    // this week: a pays 3 calls, b 1, one free call by b, one failed call by a; 10 days ago: a pays 1 (the previous period of days=7)
    await call(a.wallet, a.organizationId, 400_000, 'captured', now);
    await call(a.wallet, a.organizationId, 400_000, 'captured', now - day);
    await call(a.wallet, a.organizationId, 200_000, 'captured', now - day);
    await call(b.wallet, b.organizationId, 500_000, 'captured', now);
    await call(b.wallet, b.organizationId, 0, 'free', now);
    await call(a.wallet, a.organizationId, 400_000, 'released', now);
    await call(a.wallet, a.organizationId, 750_000, 'captured', now - 10 * day);
    await usageApplied(s, created.id, 7);

    const metrics = await s.serenai(
      'GET',
      `/organizations/default/publishers/${created.id}/analytics/revenue?days=7`,
      { token: owner.token },
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body).toEqual({
      period_start: expect.any(String),
      period_end: expect.any(String),
      total_revenue_atomic: 1_500_000,
      total_revenue: '1.50',
      total_queries: 5,
      active_agents: 2,
      avg_query_cost_atomic: 300_000,
      revenue_change_pct: 100,
      queries_change_pct: 400,
      agents_change_pct: 100,
    });
    expect(
      new Date(metrics.body.period_end).getTime() - new Date(metrics.body.period_start).getTime(),
    ).toBeLessThanOrEqual(7 * day);

    const byDay = await s.serenai(
      'GET',
      `/organizations/${owner.organizationId}/publishers/${created.id}/analytics/revenue-by-day?days=3`,
      {
        token: owner.token,
      },
    );
    expect(byDay.status).toBe(200);
    const today = new Date(now).toISOString().slice(0, 10);
    const yesterday = new Date(now - day).toISOString().slice(0, 10);
    expect(byDay.body).toEqual([
      {
        date: new Date(now - 2 * day).toISOString().slice(0, 10),
        query_count: 0,
        revenue: '0.00',
        revenue_atomic: 0,
        unique_agents: 0,
      },
      { date: yesterday, query_count: 2, revenue: '0.60', revenue_atomic: 600_000, unique_agents: 1 },
      { date: today, query_count: 3, revenue: '0.90', revenue_atomic: 900_000, unique_agents: 2 },
    ]);

    const top = await s.serenai(
      'GET',
      `/organizations/default/publishers/${created.id}/analytics/top-agents?limit=5`,
      { token: owner.token },
    );
    expect(top.status).toBe(200);
    expect(top.body).toEqual([
      {
        rank: 1,
        agent_wallet: a.wallet,
        total_spent_atomic: 1_750_000,
        total_spent: '1.75',
        query_count: 4,
        last_active: expect.any(String),
        balance_atomic: 9_000_000,
      },
      {
        rank: 2,
        agent_wallet: b.wallet,
        total_spent_atomic: 500_000,
        total_spent: '0.50',
        query_count: 2,
        last_active: expect.any(String),
        balance_atomic: 1_000_000,
      },
    ]);

    for (const path of ['revenue', 'revenue-by-day', 'top-agents']) {
      expect(
        (
          await s.serenai('GET', `/organizations/default/publishers/${created.id}/analytics/${path}`, {
            token: other.token,
          })
        ).status,
      ).toBe(404);
      expect(
        (await s.serenai('GET', `/organizations/default/publishers/${created.id}/analytics/${path}`)).status,
      ).toBe(401);
    }
    expect(
      (
        await s.serenai('GET', `/organizations/default/publishers/${created.id}/analytics/revenue?days=0`, {
          token: owner.token,
        })
      ).status,
    ).toBe(400);
  });

  it('end to end: calls through the proxy feed earnings and analytics (a failed call counts as failed, costs nothing)', async () => {
    const upstream = createServer((request, response) => {
      response.writeHead(request.url?.endsWith('/fail') ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ forecast: 'sunny', key: request.headers['x-api-key'] ?? null }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = upstream.address() as AddressInfo;
      const created = await create(
        apiBody(`e2e-${tag}`, {
          api_url: `http://127.0.0.1:${port}/v1`,
          price_per_call: '0.25',
          is_geo_restricted: false,
        }),
      );
      expect(created.status).toBe(201);
      const p = created.body.data;
      const agent = await fundedAgent(2_000_000n);
      for (const path of ['forecast', 'forecast', 'fail']) {
        const r = await s.serenai('GET', `/publishers/${p.slug}/${path}`, { token: agent.token });
        expect(r.status).toBe(path === 'fail' ? 503 : 200);
        if (path !== 'fail') expect(r.body).toEqual({ forecast: 'sunny', key: SECRET_KEY });
      }
      const earnings = await s.serenai('GET', orgPath(`/${p.id}/earnings`), { token: owner.token });
      expect(earnings.body.data[0]).toMatchObject({
        available_atomic: 500_000,
        pending_atomic: 0,
        total_earned: '0.50',
      });
      await usageApplied(s, p.id, 3);
      const metrics = await s.serenai('GET', `/organizations/default/publishers/${p.id}/analytics/revenue`, {
        token: owner.token,
      });
      expect(metrics.body).toMatchObject({
        total_revenue_atomic: 500_000,
        total_queries: 2,
        active_agents: 1,
        avg_query_cost_atomic: 250_000,
      });
      const top = await s.serenai('GET', `/organizations/default/publishers/${p.id}/analytics/top-agents`, {
        token: owner.token,
      });
      expect(top.body).toEqual([
        expect.objectContaining({
          rank: 1,
          agent_wallet: agentWallet(agent.organizationId),
          total_spent_atomic: 500_000,
          query_count: 2,
          balance_atomic: 1_500_000,
        }),
      ]);
    } finally {
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it('GraphQL answers the same: createPublisher, storePublisher, suggestPublishers', async () => {
    const slug = `gql-${tag}`;
    const created = await s.client.ok<{
      createPublisher: {
        id: string;
        slug: string;
        hasUpstreamApiKey: boolean;
        pricing: { pricePerCall: string }[];
      };
    }>(
      `mutation($input: PublisherInput!) { createPublisher(organizationId: "default", input: $input) { id slug hasUpstreamApiKey pricing { pricePerCall } } }`,
      {
        input: {
          slug,
          name: 'GraphQL Weather',
          apiUrl: 'http://127.0.0.1:9/',
          upstreamApiKey: SECRET_KEY,
          pricePerCall: '0.01',
        },
      },
      { token: owner.token },
    );
    expect(created.createPublisher).toMatchObject({
      slug,
      hasUpstreamApiKey: true,
      pricing: [{ pricePerCall: '0.01' }],
    });
    const store = await s.client.ok<{ storePublisher: { id: string; apiUrl: string | null } }>(
      `query($slug: String!) { storePublisher(slug: $slug) { id apiUrl } }`,
      { slug },
    );
    expect(store.storePublisher).toEqual({ id: created.createPublisher.id, apiUrl: null });
    const taken = await s.client.error(
      `mutation($input: PublisherInput!) { createPublisher(organizationId: "default", input: $input) { id } }`,
      { input: { slug, name: 'again', apiUrl: 'http://127.0.0.1:9/' } },
      { token: owner.token },
    );
    expect(taken).toMatchObject({ code: 'CONFLICT', reason: 'SLUG_TAKEN' });
  });
  it('a KEK rotation: secrets re-wrap under the new key and still open; back again (run last: it rewraps every row)', async () => {
    const slug = `kek-${tag}`;
    expect((await create(apiBody(slug))).status).toBe(201);
    const app = s.commerce.application;
    const publisher = (await findPublisherBySlug(app.dataSource.manager, slug))!;
    const before = app.publishers.keyring.current;
    const previous = `${before.id}:development-only-commerce-kek-secret`;
    const rotated = {
      ...app,
      publishers: {
        ...app.publishers,
        keyring: keyring('commerce-2', 'another-secret-of-32-characters!!', previous),
      },
    };
    const onlyNew = {
      ...app,
      publishers: { ...app.publishers, keyring: keyring('commerce-2', 'another-secret-of-32-characters!!') },
    };
    const first = await rewrapPublisherSecrets(rotated);
    expect(first.rewrapped).toBeGreaterThanOrEqual(2);
    expect(first.unreadable).toBe(0);
    expect(await rewrapPublisherSecrets(rotated)).toEqual({ rewrapped: 0, unreadable: 0 });
    // the new key alone opens them now; the old one alone no longer does
    expect((await openPublisherSecrets(onlyNew, publisher)).upstreamApiKey).toBe(SECRET_KEY);
    await expect(openPublisherSecrets(app, publisher)).rejects.toThrow(/no key-encryption key "commerce-2"/);
    const unknown = {
      ...app,
      publishers: { ...app.publishers, keyring: keyring('commerce-3', 'a-third-secret-of-32-characters!!!') },
    };
    expect((await rewrapPublisherSecrets(unknown)).unreadable).toBeGreaterThanOrEqual(2);
    // and back under the suite's key
    const back = {
      ...app,
      publishers: {
        ...app.publishers,
        keyring: keyring(
          before.id,
          'development-only-commerce-kek-secret',
          'commerce-2:another-secret-of-32-characters!!',
        ),
      },
    };
    expect((await rewrapPublisherSecrets(back)).rewrapped).toBe(first.rewrapped);
    expect((await openPublisherSecrets(app, publisher)).upstreamApiKey).toBe(SECRET_KEY);
  });
});
