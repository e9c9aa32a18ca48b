import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { createPublicClient, http, parseAbi, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { v1PayingFetch, v2PayingFetch } from '@seren/commerce/dist/x402/test-support/clients.js';
import { startTestAgent } from '@seren/commerce/dist/agent-tasks/test-support/a2a-agent.js';
import { accounts, balanceOf, postEntry } from '@seren/commerce/dist/ledger/index.js';
import { ANVIL_DEV_KEYS, infraChainEnv, infraEndpoints, waitForEvent, withinOneWindow } from '@seren/testing';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restAgent } from '../../test-support/rest-flows';

// The publisher proxy through the gateway, against real loopback upstreams: an HTTP API (node's
// http server), a PostgreSQL database (a fresh database on the infra server), paid from the wallet
// (holds) or per request with x402 by the official clients on the local chain (anvil).

const chain = infraChainEnv();
const decode = (header: string | null) => JSON.parse(Buffer.from(header!, 'base64').toString('utf8'));
const PRICE = 10_000n; // "0.01" USDC
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** The loopback HTTP API the publishers proxy to. */
async function startUpstream() {
  const seen: Seen[] = [];
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
    const path = new URL(request.url!, 'http://x').pathname;
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(value));
    };
    if (path === '/token') return json(200, { access_token: `tok-${seen.length}`, expires_in: 3600 });
    if (path.endsWith('/fail')) return json(503, { upstream: 'down' });
    if (path.endsWith('/spoof'))
      return json(200, { spoof: true }, { 'x-seren-low-balance': 'true', 'x-seren-balance': '99.00' });
    if (path.endsWith('/metered')) return json(200, { answer: 42, usage: { cost: '0.004' } });
    if (path.endsWith('/paywall'))
      return request.headers['x-payment']
        ? json(200, { paid: request.headers['x-payment'] }, { 'x-payment-response': 'settled-by-upstream' })
        : json(402, { x402Version: 1, error: 'upstream wants its own payment', accepts: [] });
    if (path.endsWith('/slow')) {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return json(200, { late: true });
    }
    if (path.endsWith('/redirect-in')) return json(302, {}, { location: '/api/v1/echo?from=redirect' });
    if (path.endsWith('/redirect-out')) return json(302, {}, { location: 'http://169.254.169.254/latest' });
    if (path.endsWith('/stream')) {
      response.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' });
      for (let i = 0; i < 5; i++) {
        response.write(`chunk ${i}\n`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return response.end();
    }
    return json(200, { method: request.method, url: request.url, body });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the publisher proxy through the gateway', () => {
  let s: RestSuite;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let owner: Awaited<ReturnType<typeof restAgent>>;
  const dbName = `test_publisherdb_${randomUUID().slice(0, 8)}`;
  const publicClient = createPublicClient({ transport: http(chain.RPC_URL) });
  const usdcOf = (address: Address) =>
    publicClient.readContract({
      address: chain.USDC_ADDRESS as Address,
      abi: erc20,
      functionName: 'balanceOf',
      args: [address],
    });

  beforeAll(async () => {
    [s, upstream] = await Promise.all([
      startRestSuite({
        commerceEnv: {
          PROXY_UPSTREAM_TIMEOUT_MS: '1000',
          PROXY_HOLD_GRACE_MS: '500',
          PROXY_SWEEP_INTERVAL_MS: '300',
        },
      }),
      startUpstream(),
    ]);
    owner = await restAgent(s, 'publisher owner');
    // the database publisher's own PostgreSQL: a fresh database with 2,500 rows
    const admin = new Client({ connectionString: infraEndpoints().databaseUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const db = new Client({ connectionString: databaseUrl() });
    await db.connect();
    await db.query(`create table items (id int primary key, name text not null)`);
    await db.query(`insert into items select g, 'item ' || g from generate_series(1, 2500) g`);
    await db.query(`create sequence counter`);
    await db.query(`analyze items`);
    await db.end();
  });
  afterAll(async () => {
    await s?.close();
    await upstream?.close();
  });

  function databaseUrl() {
    const url = new URL(infraEndpoints().databaseUrl);
    url.pathname = `/${dbName}`;
    return url.toString();
  }

  async function publisher(
    input: Record<string, unknown>,
    pricing: Record<string, unknown> = { pricePerCall: '0.01' },
  ) {
    const slug = `px-${randomUUID().slice(0, 8)}`;
    const { createPublisher } = await s.client.ok<{ createPublisher: { id: string; slug: string } }>(
      `mutation ($input: PublisherInput!) { createPublisher(organizationId: "default", input: $input) { id slug } }`,
      { input: { slug, name: `Proxy ${slug}`, ...input, ...pricing } },
      owner,
    );
    return createPublisher;
  }

  const api = (extra: Record<string, unknown> = {}, pricing?: Record<string, unknown>) =>
    publisher(
      {
        integrationType: 'api',
        apiUrl: `${upstream.url}/api`,
        apiKeyHeader: 'X-API-Key',
        upstreamApiKey: 'sk_upstream_secret_1234',
        allowedPassthroughHeaders: ['x-trace'],
        billingModel: 'prepaid_credits',
        ...extra,
      },
      pricing,
    );

  /** An agent whose wallet holds `funded` atomic USDC. */
  async function fundedAgent(funded: bigint) {
    const agent = await restAgent(s);
    const dataSource = s.commerce.application.dataSource;
    if (funded > 0n)
      await dataSource.transaction((tx) =>
        postEntry(tx, {
          kind: 'deposit_x402',
          reference: `test-${randomUUID()}`,
          organizationId: agent.organizationId,
          lines: [
            { account: accounts.agentFunded(agent.organizationId, 'USDC'), asset: 'USDC', amount: funded },
            { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -funded },
          ],
        }),
      );
    return agent;
  }

  const manager = () => s.commerce.application.dataSource.manager;
  const walletOf = (org: string) => balanceOf(manager(), accounts.agentFunded(org, 'USDC'));
  const heldOf = (org: string) => balanceOf(manager(), accounts.agentHeld(org, 'USDC'));
  const earningsOf = (publisherId: string) =>
    balanceOf(manager(), accounts.publisherEarnings(publisherId, 'USDC'));
  async function callsOf(publisherId: string) {
    const rows: { data: Record<string, unknown> }[] = await manager().query(
      `select data from events where type = 'PublisherCallCompleted' and data->>'publisherId' = $1 order by position`,
      [publisherId],
    );
    return rows.map((r) => r.data);
  }

  it('forwards a paid GET with the allowed headers and the credential injected; the wallet pays once, the publisher earns, one usage event', async () => {
    const p = await api();
    const agent = await fundedAgent(1_000_000n);
    upstream.seen.length = 0;
    const r = await s.serenai('GET', `/publishers/${p.slug}/v1/echo?q=1&x=a%20b`, {
      token: agent.token,
      headers: { 'x-trace': 't-1', 'x-other': 'not passed' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ method: 'GET', url: '/api/v1/echo?q=1&x=a+b' });
    const seen = upstream.seen[0]!;
    expect(seen.headers['x-api-key']).toBe('sk_upstream_secret_1234');
    expect(seen.headers['x-trace']).toBe('t-1');
    expect(seen.headers['x-other']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-internal-token']).toBeUndefined();
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - PRICE);
    expect(await heldOf(agent.organizationId)).toBe(0n);
    expect(await earningsOf(p.id)).toBe(PRICE);
    const [call] = await callsOf(p.id);
    expect(call).toMatchObject({
      publisherId: p.id,
      organizationId: agent.organizationId,
      agentId: agent.id,
      kind: 'proxy',
      paidWith: 'wallet',
      cost: String(PRICE),
      status: 200,
      outcome: 'captured',
      txHash: null,
    });
    expect(JSON.stringify(call)).not.toContain('sk_upstream_secret');
    // the root call of an API publisher goes to its root
    const root = await s.serenai('POST', `/publishers/${p.slug}`, {
      token: agent.token,
      body: { hello: 'root' },
    });
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ method: 'POST', url: '/api', body: '{"hello":"root"}' });
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - 2n * PRICE);
    // the wallet shows it as usage of the publisher
    const tx = await s.serenai('GET', '/wallet/transactions?include_usage=true', { token: agent.token });
    expect(tx.status).toBe(200);
    expect(JSON.stringify(tx.body)).toContain('usage');
  });

  it('low_balance_threshold: a paid call that leaves the wallet below it says so in X-Seren-Low-Balance headers, and LowBalanceThresholdCrossed is published once per crossing', async () => {
    const p = await api({}, { pricePerCall: '0.25', lowBalanceThreshold: '0.60' });
    const agent = await fundedAgent(1_000_000n);
    const call = (path = 'v1/echo') =>
      s.serenai('GET', `/publishers/${p.slug}/${path}`, { token: agent.token });
    // 1.00 → 0.75: above it; the upstream's own low-balance headers are not passed on
    const above = await call('v1/spoof');
    expect(above.status).toBe(200);
    expect(above.headers.get('x-seren-low-balance')).toBeNull();
    expect(above.headers.get('x-seren-balance')).toBeNull();
    // 0.75 → 0.50: below it
    const crossed = await call();
    expect(crossed.status).toBe(200);
    expect(crossed.headers.get('x-seren-low-balance')).toBe('true');
    expect(crossed.headers.get('x-seren-balance')).toBe('0.50');
    expect(crossed.headers.get('x-seren-low-balance-threshold')).toBe('0.60');
    // 0.50 → 0.25: still below, the answer says so again, no second notice
    const still = await call();
    expect(still.headers.get('x-seren-low-balance')).toBe('true');
    expect(still.headers.get('x-seren-balance')).toBe('0.25');
    // a failed call is not paid: no headers
    const failed = await call('v1/fail');
    expect(failed.status).toBe(503);
    expect(failed.headers.get('x-seren-low-balance')).toBeNull();

    const calls = await callsOf(p.id);
    expect(calls.map((c) => c.outcome)).toEqual(['captured', 'captured', 'captured', 'released']);
    const notices: { data: Record<string, unknown> }[] = await manager().query(
      `select data from events where type = 'LowBalanceThresholdCrossed' and data->>'publisherId' = $1`,
      [p.id],
    );
    expect(notices.map((n) => n.data)).toEqual([
      {
        organizationId: agent.organizationId,
        agentWallet: calls[1]!.agentWallet,
        agentId: agent.id,
        publisherId: p.id,
        publisherSlug: p.slug,
        callId: calls[1]!.callId,
        asset: 'USDC',
        balance: '500000',
        threshold: '600000',
        at: expect.any(String),
      },
    ]);
    // consuming teams read it on Kafka, as a CloudEvent keyed by its stream
    const published = await waitForEvent(
      'commerce.low_balance_notice',
      (e) => (e.data as { callId?: string }).callId === calls[1]!.callId,
    );
    expect(published).toMatchObject({
      type: 'LowBalanceThresholdCrossed',
      key: `low-balance-notice-${calls[1]!.callId}`,
      data: { balance: '500000', organizationId: agent.organizationId },
    });
  });

  it('streams a POST body up and the answer back; an upstream redirect within it points through the proxy, one elsewhere is dropped', async () => {
    const p = await api();
    const agent = await fundedAgent(1_000_000n);
    const big = 'x'.repeat(200_000);
    const r = await fetch(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'text/plain' },
      body: big,
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { body: string }).body).toBe(big);
    const streamed = await fetch(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/stream`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(streamed.headers.get('x-upstream')).toBe('yes');
    expect(await streamed.text()).toBe([0, 1, 2, 3, 4].map((i) => `chunk ${i}\n`).join(''));
    const inside = await fetch(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/redirect-in`, {
      headers: { authorization: `Bearer ${agent.token}` },
      redirect: 'manual',
    });
    expect(inside.status).toBe(302);
    expect(inside.headers.get('location')).toMatch(
      new RegExp(`/publishers/${p.slug}/v1/echo\\?from=redirect$`),
    );
    const outside = await fetch(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/redirect-out`, {
      headers: { authorization: `Bearer ${agent.token}` },
      redirect: 'manual',
    });
    expect(outside.status).toBe(302);
    expect(outside.headers.get('location')).toBeNull();
  });

  it('injects the credential as a query parameter, or an OAuth 2.0 client-credentials token (cached); x402_passthrough leaves the payment to the upstream', async () => {
    const agent = await fundedAgent(1_000_000n);
    const byQuery = await api({ apiKeyHeader: null, apiKeyQueryParam: 'api_key' });
    upstream.seen.length = 0;
    expect(
      (await s.serenai('GET', `/publishers/${byQuery.slug}/v1/echo?a=1`, { token: agent.token })).status,
    ).toBe(200);
    expect(upstream.seen[0]!.url).toBe('/api/v1/echo?a=1&api_key=sk_upstream_secret_1234');

    const oauth = await api({
      apiKeyHeader: null,
      upstreamApiKey: null,
      authType: 'oauth2_cc',
      oauth2TokenUrl: `${upstream.url}/token`,
      oauth2ClientId: 'client-1',
      oauth2ClientSecret: 'client-secret-1',
      oauth2Scopes: ['read'],
    });
    upstream.seen.length = 0;
    for (let i = 0; i < 2; i++)
      expect(
        (await s.serenai('GET', `/publishers/${oauth.slug}/v1/echo`, { token: agent.token })).status,
      ).toBe(200);
    const [token, first, second] = upstream.seen;
    expect(token!.url).toBe('/token');
    expect(token!.headers.authorization).toBe(
      `Basic ${Buffer.from('client-1:client-secret-1').toString('base64')}`,
    );
    expect(token!.body).toBe('grant_type=client_credentials&scope=read');
    expect(first!.headers.authorization).toBe('Bearer tok-1');
    expect(second!.headers.authorization).toBe('Bearer tok-1');
    expect(upstream.seen).toHaveLength(3);

    const passthrough = await api({ billingModel: 'x402_passthrough' });
    const unpaid = await s.serenai('GET', `/publishers/${passthrough.slug}/v1/paywall`, {
      token: agent.token,
    });
    expect(unpaid.status).toBe(402);
    expect(unpaid.body).toMatchObject({ error: 'upstream wants its own payment' });
    const paid = await s.serenai('GET', `/publishers/${passthrough.slug}/v1/paywall`, {
      headers: { 'x-payment': 'opaque-payment' },
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toEqual({ paid: 'opaque-payment' });
    expect(paid.headers.get('x-payment-response')).toBe('settled-by-upstream');
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - 3n * PRICE);
    expect(await earningsOf(passthrough.id)).toBe(0n);
  });

  it('a failed call costs nothing: an upstream 503, a timeout and an unreachable upstream release the hold', async () => {
    const p = await api();
    const agent = await fundedAgent(1_000_000n);
    const failed = await s.serenai('GET', `/publishers/${p.slug}/v1/fail`, { token: agent.token });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ upstream: 'down' });
    const slow = await s.serenai('GET', `/publishers/${p.slug}/v1/slow`, { token: agent.token });
    expect(slow.status).toBe(504);
    expect(slow.body).toMatchObject({ error: 'UPSTREAM_TIMEOUT' });
    const closed = await api({ apiUrl: 'http://127.0.0.1:9/nothing' });
    const unreachable = await s.serenai('GET', `/publishers/${closed.slug}/v1/echo`, { token: agent.token });
    expect(unreachable.status).toBe(502);
    expect(unreachable.body).toMatchObject({ error: 'UPSTREAM_UNAVAILABLE' });
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n);
    expect(await heldOf(agent.organizationId)).toBe(0n);
    expect(await earningsOf(p.id)).toBe(0n);
    expect((await callsOf(p.id)).map((c) => [c.status, c.outcome])).toEqual([
      [503, 'released'],
      [null, 'released'],
    ]);
  });

  it("free_queries_per_day: the agent's first calls of the day are free (a failed one gives its place back), then paid", async () => {
    const p = await api({}, { pricePerCall: '0.01', freeQueriesPerDay: 2 });
    const agent = await fundedAgent(1_000_000n);
    const other = await fundedAgent(1_000_000n);
    const statuses = [];
    for (const path of ['echo', 'fail', 'echo', 'echo'])
      statuses.push(
        (await s.serenai('GET', `/publishers/${p.slug}/v1/${path}`, { token: agent.token })).status,
      );
    expect(statuses).toEqual([200, 503, 200, 200]);
    // two free (the failed call between them took no free place), the third successful one paid
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - PRICE);
    expect(await earningsOf(p.id)).toBe(PRICE);
    expect((await callsOf(p.id)).map((c) => [c.status, c.outcome, c.cost])).toEqual([
      [200, 'free', '0'],
      [503, 'free', '0'],
      [200, 'free', '0'],
      [200, 'captured', String(PRICE)],
    ]);
    // another agent has its own free calls
    expect((await s.serenai('GET', `/publishers/${p.slug}/v1/echo`, { token: other.token })).status).toBe(
      200,
    );
    expect(await walletOf(other.organizationId)).toBe(1_000_000n);
  });

  it("pay_per_use: the max charge is held, the upstream's cost at upstream_cost_response_path (times the markup) captured, the rest given back", async () => {
    const p = await api(
      { billingModel: 'pay_per_use', upstreamCostResponsePath: 'usage.cost' },
      { pricePerCall: '0.001', maxCharge: '0.02', markupMultiplier: '1.5' },
    );
    const agent = await fundedAgent(1_000_000n);
    const metered = await s.serenai('GET', `/publishers/${p.slug}/v1/metered`, { token: agent.token });
    expect(metered.status).toBe(200);
    expect(metered.body).toEqual({ answer: 42, usage: { cost: '0.004' } });
    // 0.004 × 1.5 = 0.006 USDC; an answer without a cost pays the call's price (0.001)
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - 6_000n);
    const plain = await s.serenai('GET', `/publishers/${p.slug}/v1/echo`, { token: agent.token });
    expect(plain.status).toBe(200);
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - 7_000n);
    expect(await heldOf(agent.organizationId)).toBe(0n);
    expect(await earningsOf(p.id)).toBe(7_000n);
    expect((await callsOf(p.id)).map((c) => [c.outcome, c.cost])).toEqual([
      ['captured', '6000'],
      ['captured', '1000'],
    ]);
  });

  it('402 with x402 requirements without balance; @x402/fetch (v2) pays one call per request, settled on-chain only after a 2xx', async () => {
    const p = await api();
    const broke = await fundedAgent(0n);
    const r = await s.serenai('GET', `/publishers/${p.slug}/v1/echo`, { token: broke.token });
    expect(r.status).toBe(402);
    expect(decode(r.headers.get('payment-required'))).toMatchObject({
      x402Version: 2,
      error: 'insufficient_balance',
      accepts: [
        { scheme: 'exact', network: 'eip155:84532', amount: String(PRICE), asset: chain.USDC_ADDRESS },
      ],
    });
    expect(r.body).toMatchObject({
      x402Version: 1,
      accepts: [{ maxAmountRequired: String(PRICE), network: 'base-sepolia' }],
    });

    const payer = privateKeyToAccount(ANVIL_DEV_KEYS[7]);
    const before = await usdcOf(payer.address);
    const pay = v2PayingFetch(ANVIL_DEV_KEYS[7], chain.USDC_ADDRESS as Address);
    // anonymous: no wallet at all, x402 only
    const paid = await pay(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/echo?paid=1`, {});
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ url: '/api/v1/echo?paid=1' });
    const settlement = decode(paid.headers.get('payment-response'));
    expect(settlement).toMatchObject({
      success: true,
      transaction: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(await usdcOf(payer.address)).toBe(before - PRICE);
    expect(await earningsOf(p.id)).toBe(PRICE);

    // a failing upstream: the payment is not settled, the payer keeps the money
    const failed = await pay(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/fail`, {});
    expect(failed.status).toBe(503);
    expect(await usdcOf(payer.address)).toBe(before - PRICE);
    expect(await earningsOf(p.id)).toBe(PRICE);
    const calls = await callsOf(p.id);
    expect(calls.map((c) => [c.paidWith, c.outcome, c.status])).toEqual([
      ['x402', 'captured', 200],
      ['x402', 'released', 503],
    ]);
    expect(calls[0]).toMatchObject({
      organizationId: null,
      agentWallet: payer.address.toLowerCase(),
      txHash: settlement.transaction,
    });
  });

  it('x402-fetch (v1) pays an x402_per_request publisher even for a funded caller; a replayed payment is refused', async () => {
    const p = await api({ billingModel: 'x402_per_request' });
    const agent = await fundedAgent(1_000_000n);
    const r = await s.serenai('GET', `/publishers/${p.slug}/v1/echo`, { token: agent.token });
    expect(r.status).toBe(402);
    const sent: string[] = [];
    const pay = v1PayingFetch(ANVIL_DEV_KEYS[8], chain.RPC_URL!, { sent });
    const paid = await pay(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/echo`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(paid.status).toBe(200);
    expect(decode(paid.headers.get('x-payment-response'))).toMatchObject({
      success: true,
      network: 'base-sepolia',
    });
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n);
    expect(await earningsOf(p.id)).toBe(PRICE);
    const replay = await fetch(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}/v1/echo`, {
      headers: { 'X-PAYMENT': sent[0]! },
    });
    expect(replay.status).toBe(402);
    expect(decode(replay.headers.get('payment-required')).error).toBe('invalid_exact_evm_nonce_already_used');
    expect(await earningsOf(p.id)).toBe(PRICE);
  });

  it('max_queries_per_minute per agent: 429 with Retry-After past it, another agent unaffected; geo restriction answers the documented 403', async () => {
    const limited = await api({}, { pricePerCall: '0.01', maxQueriesPerMinute: 2 });
    const a = await fundedAgent(1_000_000n);
    const b = await fundedAgent(1_000_000n);
    await withinOneWindow(60_000, 10_000);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await s.serenai('GET', `/publishers/${limited.slug}/v1/echo`, { token: a.token })).status,
      );
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await s.serenai('GET', `/publishers/${limited.slug}/v1/echo`, { token: a.token });
    expect(refused.body).toMatchObject({ error: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await s.serenai('GET', `/publishers/${limited.slug}/v1/echo`, { token: b.token })).status).toBe(
      200,
    );
    expect(await walletOf(a.organizationId)).toBe(1_000_000n - 2n * PRICE);

    const geo = await api({
      isGeoRestricted: true,
      geoBlockedCountries: ['DE'],
      geoProxyRegion: 'eu-west-1',
    });
    const blocked = await s.serenai('GET', `/publishers/${geo.slug}/v1/echo`, {
      token: a.token,
      headers: { 'cf-ipcountry': 'DE' },
    });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toEqual({
      error: 'GEO_RESTRICTED',
      message: expect.stringContaining('routing is not enabled'),
      opt_in_endpoint: expect.stringContaining(`/publishers/${geo.slug}`),
      proxy_region: 'eu-west-1',
      publisher: geo.slug,
    });
    const routed = await s.serenai('GET', `/publishers/${geo.slug}/v1/echo`, {
      token: a.token,
      headers: { 'cf-ipcountry': 'DE', 'x-seren-geo-routing': 'enabled' },
    });
    expect(routed.status).toBe(200);
    expect(
      (
        await s.serenai('GET', `/publishers/${geo.slug}/v1/echo`, {
          token: a.token,
          headers: { 'cf-ipcountry': 'US' },
        })
      ).status,
    ).toBe(200);
  });

  it('a database publisher runs the SQL read-only with a row cap and a statement timeout, priced per 1,000 rows returned; estimate prices it from EXPLAIN', async () => {
    const p = await publisher(
      {
        integrationType: 'database',
        databaseType: 'postgres',
        connectionString: databaseUrl(),
        maxRowsPerQuery: 2_000,
        queryTimeoutMs: 300,
        billingModel: 'prepaid_credits',
      },
      { pricePerExecution: '0.001', basePricePer1000Rows: '0.01' },
    );
    const agent = await fundedAgent(1_000_000n);
    const q = await s.serenai('POST', `/publishers/${p.slug}`, {
      token: agent.token,
      body: { query: 'select id, name from items where id <= $1 order by id', params: [1500] },
    });
    expect(q.status).toBe(200);
    expect(q.body.data).toMatchObject({
      columns: ['id', 'name'],
      row_count: 1500,
      truncated: false,
      cost: '0.016',
      cost_atomic: 16_000,
    });
    expect(q.body.data.rows[0]).toEqual({ id: 1, name: 'item 1' });
    const capped = await s.serenai('POST', `/publishers/${p.slug}`, {
      token: agent.token,
      body: { query: 'select * from items' },
    });
    expect(capped.body.data).toMatchObject({ row_count: 2_000, truncated: true, cost_atomic: 21_000 });
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - 16_000n - 21_000n);
    expect(await earningsOf(p.id)).toBe(37_000n);
    const calls = await callsOf(p.id);
    expect(calls.map((c) => [c.kind, c.rows, c.cost, c.outcome])).toEqual([
      ['query', 1500, '16000', 'captured'],
      ['query', 2000, '21000', 'captured'],
    ]);

    for (const query of [
      'delete from items',
      "select nextval('counter')",
      'select 1; drop table items',
      'select * from nope',
    ]) {
      const refused = await s.serenai('POST', `/publishers/${p.slug}`, {
        token: agent.token,
        body: { query },
      });
      expect([query, refused.status, refused.body.error]).toEqual([query, 400, 'INVALID_QUERY']);
    }
    const slow = await s.serenai('POST', `/publishers/${p.slug}`, {
      token: agent.token,
      body: { query: 'select pg_sleep(2)' },
    });
    expect(slow.status).toBe(504);
    expect(slow.body).toMatchObject({ error: 'QUERY_TIMEOUT' });
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - 37_000n);
    const intact = await s.serenai('POST', `/publishers/${p.slug}`, {
      token: agent.token,
      body: { query: 'select count(*)::int as n from items' },
    });
    expect(intact.body.data.rows).toEqual([{ n: 2500 }]);

    const estimate = await s.serenai('POST', `/publishers/${p.slug}/estimate`, {
      body: { publisher_id: p.id, query: 'select * from items where id <= 1000' },
    });
    expect(estimate.status).toBe(200);
    expect(estimate.body).toEqual({
      asset_symbol: 'USDC',
      estimated_cost: expect.any(String),
      estimated_cost_atomic: expect.any(Number),
      estimated_rows: expect.any(Number),
      publisher_name: `Proxy ${p.slug}`,
      publisher_slug: p.slug,
    });
    // the planner's estimate, within reach of the 1,000 rows; priced like the query would be
    expect(estimate.body.estimated_rows).toBeGreaterThan(800);
    expect(estimate.body.estimated_rows).toBeLessThan(1_200);
    expect(estimate.body.estimated_cost_atomic).toBe(
      1_000 + Math.ceil((10_000 * estimate.body.estimated_rows) / 1000),
    );
    expect(
      (
        await s.serenai('POST', `/publishers/${p.slug}/estimate`, {
          body: { publisher_id: randomUUID(), query: 'select 1' },
        })
      ).status,
    ).toBe(404);
    expect((await s.serenai('GET', `/publishers/${p.slug}/anything`, { token: agent.token })).status).toBe(
      404,
    );

    // x402 pays a query at the planner's estimate (the exact scheme pays a fixed amount)
    const payer = privateKeyToAccount(ANVIL_DEV_KEYS[7]);
    const before = await usdcOf(payer.address);
    const pay = v2PayingFetch(ANVIL_DEV_KEYS[7], chain.USDC_ADDRESS as Address);
    const query = 'select id from items where id <= 100';
    const quoted = await s.serenai('POST', `/publishers/${p.slug}/estimate`, {
      body: { publisher_id: p.id, query },
    });
    const paid = await pay(`${s.gateway.listeners.serenai.url}/publishers/${p.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(paid.status).toBe(200);
    expect(((await paid.json()) as { data: { row_count: number } }).data.row_count).toBe(100);
    expect(await usdcOf(payer.address)).toBe(before - BigInt(quoted.body.estimated_cost_atomic));
  });

  it('an agent publisher root call starts an agent task on the A2A agent and answers 202; anonymous callers are 401', async () => {
    const a2a = await startTestAgent();
    try {
      const p = await publisher(
        {
          integrationType: 'agent',
          computeType: 'agent',
          a2aEndpointUrl: a2a.url,
          billingModel: 'prepaid_credits',
        },
        { minCharge: '0.05', hourlyRate: '3.60' },
      );
      const agent = await fundedAgent(1_000_000n);
      const r = await s.serenai('POST', `/publishers/${p.slug}`, {
        token: agent.token,
        body: { message: 'research x402' },
      });
      expect(r.status).toBe(202);
      expect(r.body.data).toMatchObject({
        task_id: expect.any(String),
        status: 'submitted',
        publisher_slug: p.slug,
      });
      expect(r.headers.get('location')).toBe(
        `/organizations/${agent.organizationId}/agents/tasks/${r.body.data.task_id}`,
      );
      for (let i = 0; i < 100 && a2a.received.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(a2a.received).toHaveLength(1);
      const task = await s.serenai('GET', `/organizations/default/agents/tasks/${r.body.data.task_id}`, {
        token: agent.token,
      });
      expect(task.status).toBe(200);
      expect(JSON.stringify(task.body)).toContain('research x402');
      const anonymous = await s.serenai('POST', `/publishers/${p.slug}`, { body: { message: 'x' } });
      expect(anonymous.status).toBe(401);
    } finally {
      await a2a.close();
    }
  });

  it('MCP root is the documented error, its paths go to its MCP endpoint; an unknown publisher is 404 in SerenAI shape', async () => {
    const mcp = await publisher({
      integrationType: 'mcp',
      mcpEndpoint: `${upstream.url}/mcp`,
      billingModel: 'prepaid_credits',
    });
    const agent = await fundedAgent(1_000_000n);
    const root = await s.serenai('POST', `/publishers/${mcp.slug}`, {
      token: agent.token,
      body: { query: 'x' },
    });
    expect(root.status).toBe(400);
    expect(root.body).toMatchObject({ error: 'MCP_ROOT_NOT_SUPPORTED' });
    const tool = await s.serenai('POST', `/publishers/${mcp.slug}/tools/call`, {
      token: agent.token,
      body: { name: 'x' },
    });
    expect(tool.status).toBe(200);
    expect(tool.body).toMatchObject({ method: 'POST', url: '/mcp/tools/call', body: '{"name":"x"}' });
    const missing = await s.serenai('GET', `/publishers/nope-${randomUUID().slice(0, 6)}/x`, {
      token: agent.token,
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'PUBLISHER_NOT_FOUND', message: 'Publisher not found' });
  });

  it('a hold whose call never completed (its process died) is released by the sweep, with its usage event', async () => {
    const p = await api();
    const agent = await fundedAgent(1_000_000n);
    const { placeHold } = await import('@seren/commerce/dist/ledger/index.js');
    const callId = randomUUID();
    await s.commerce.application.dataSource.transaction((tx) =>
      placeHold(tx, {
        holdId: callId,
        organizationId: agent.organizationId,
        publisherId: p.id,
        asset: 'USDC',
        amount: PRICE,
        expiresAt: new Date(Date.now() + 200),
        metadata: { kind: 'proxy', publisher_slug: p.slug, agent_id: agent.id },
        at: new Date(),
      }),
    );
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n - PRICE);
    for (let i = 0; i < 50 && (await heldOf(agent.organizationId)) !== 0n; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await walletOf(agent.organizationId)).toBe(1_000_000n);
    expect(await callsOf(p.id)).toEqual([
      expect.objectContaining({ callId, outcome: 'released', status: null, cost: String(PRICE) }),
    ]);
  });
});
