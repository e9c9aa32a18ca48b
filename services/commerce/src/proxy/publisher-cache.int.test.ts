import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asCaller, freshConsumerGroup, graphql, testServiceEnv } from '@seren/testing';
import { accounts, balanceOf, postEntry } from '../ledger/index.js';
import { startCommerceService, type CommerceService } from '../service';
import { startCommerceChild } from '../x402/test-support/commerce-process.js';

// The proxy's publisher cache with its default time to live (30 s) against two commerce instances
// on one database and Kafka: this one (in-process) and another (a child process, its own cache and
// its own cache consumer group). A change is charged, routed and refused by the next call at once on
// the instance that made it, and on the other as soon as its consumer sees the event: seconds at
// most, never the time to live.

const TTL_MS = 30_000;

describe('the proxy sees a publisher change at once, with the publisher cache on', () => {
  let here: CommerceService;
  let other: { child: ChildProcess; url: string };
  let upstream: Server;
  let upstreamUrl: string;
  const received: { path: string; key: string | undefined }[] = [];
  const owner = `org-${randomUUID()}`;
  const agentOrg = `org-${randomUUID()}`;
  const manage = () =>
    asCaller({ subject: `user-${owner}`, organizationId: owner, permissions: ['publisher.manage'] });

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      received.push({ path: request.url!, key: request.headers['x-api-key'] as string | undefined });
      response.setHeader('content-type', 'application/json');
      response.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const env = testServiceEnv('commerce', {
      env: { OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8', PROXY_PUBLISHER_CACHE_MS: String(TTL_MS) },
    });
    const [hereGroup, otherGroup] = await Promise.all([
      freshConsumerGroup('commerce.publisher-cache', ['commerce.publisher']),
      freshConsumerGroup('commerce.publisher-cache', ['commerce.publisher']),
    ]);
    here = await startCommerceService({ ...env, PUBLISHER_CACHE_GROUP: hereGroup });
    other = await startCommerceChild({ ...env, PUBLISHER_CACHE_GROUP: otherGroup });
    await here.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'deposit_x402',
        reference: `cache-${randomUUID()}`,
        organizationId: agentOrg,
        lines: [
          { account: accounts.agentFunded(agentOrg, 'USDC'), asset: 'USDC', amount: 50_000_000n },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -50_000_000n },
        ],
      }),
    );
  }, 120_000);
  afterAll(async () => {
    if (other?.child.exitCode === null) other.child.kill('SIGTERM');
    await here?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  });

  const mutate = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const { data, errors } = await graphql<T>(here.url, query, variables, await manage());
    expect(errors).toBeUndefined();
    return data!;
  };
  const create = async (slug: string, pricePerCall: string) =>
    (
      await mutate<{ createPublisher: { id: string } }>(
        `mutation ($input: PublisherInput!) { createPublisher(organizationId: "default", input: $input) { id } }`,
        {
          input: {
            slug,
            name: `Cached ${slug}`,
            integrationType: 'api',
            apiUrl: `${upstreamUrl}/v1`,
            apiKeyHeader: 'X-Api-Key',
            upstreamApiKey: 'sk_first_0123456789',
            billingModel: 'prepaid_credits',
            pricePerCall,
          },
        },
      )
    ).createPublisher.id;
  const price = (publisherId: string, pricePerCall: string) =>
    mutate(
      `mutation ($id: ID!, $input: PublisherPricingInput!) {
        setPublisherPricing(organizationId: "default", publisherId: $id, input: $input) { pricePerCall }
      }`,
      { id: publisherId, input: { assetId: 'USDC', pricePerCall } },
    );
  const funded = () => balanceOf(here.dataSource.manager, accounts.agentFunded(agentOrg, 'USDC'));
  /** one call through `base`'s proxy: its status and what it cost the agent */
  const call = async (base: string, slug: string) => {
    const before = await funded();
    const response = await fetch(`${base}/internal/publishers/${slug}/items`, {
      headers: await asCaller({ subject: `agent-${agentOrg}`, kind: 'agent', organizationId: agentOrg }),
    });
    await response.arrayBuffer();
    return { status: response.status, cost: before - (await funded()) };
  };
  /** calls through `base` until `done` says so; how long that took */
  const until = async (
    base: string,
    slug: string,
    done: (c: { status: number; cost: bigint }) => boolean,
  ) => {
    const started = Date.now();
    for (;;) {
      const answer = await call(base, slug);
      if (done(answer)) return Date.now() - started;
      if (Date.now() - started > TTL_MS / 3)
        throw new Error(`still ${JSON.stringify(answer, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  it('charges a new price on the next call of the instance that set it, and routes a new upstream with its new secret', async () => {
    const slug = `cache-${randomUUID().slice(0, 8)}`;
    const publisherId = await create(slug, '0.10');
    expect(await call(here.url, slug)).toEqual({ status: 200, cost: 100_000n });
    // cached now: the same answer for the next 30 s unless the change drops it
    await price(publisherId, '0.25');
    expect(await call(here.url, slug)).toEqual({ status: 200, cost: 250_000n });

    await mutate(
      `mutation ($id: ID!, $input: PublisherInput!) {
        updatePublisher(organizationId: "default", publisherId: $id, input: $input) { id }
      }`,
      { id: publisherId, input: { apiUrl: `${upstreamUrl}/v2`, upstreamApiKey: 'sk_second_0123456789' } },
    );
    received.length = 0;
    expect(await call(here.url, slug)).toEqual({ status: 200, cost: 250_000n });
    expect(received).toEqual([{ path: '/v2/items', key: 'sk_second_0123456789' }]);

    await mutate(
      `mutation ($id: ID!) { deletePublisher(organizationId: "default", publisherId: $id) { id } }`,
      { id: publisherId },
    );
    expect(await call(here.url, slug)).toEqual({ status: 404, cost: 0n });
  });

  it('serves a publisher made right after a call found none of its slug', async () => {
    const slug = `cache-${randomUUID().slice(0, 8)}`;
    expect(await call(here.url, slug)).toEqual({ status: 404, cost: 0n });
    await create(slug, '0.05');
    expect(await call(here.url, slug)).toEqual({ status: 200, cost: 50_000n });
  });

  it('another instance charges the new price, and refuses a deleted publisher, as soon as its consumer sees the event', async () => {
    const slug = `cache-${randomUUID().slice(0, 8)}`;
    const publisherId = await create(slug, '0.10');
    // the other instance's cache now holds the publisher at 0.10
    expect(await call(other.url, slug)).toEqual({ status: 200, cost: 100_000n });
    await price(publisherId, '0.30');
    const repriced = await until(other.url, slug, (c) => c.cost === 300_000n);
    expect(repriced).toBeLessThan(TTL_MS / 3);

    await mutate(
      `mutation ($id: ID!) { deletePublisher(organizationId: "default", publisherId: $id) { id } }`,
      { id: publisherId },
    );
    const refused = await until(other.url, slug, (c) => c.status === 404);
    expect(refused).toBeLessThan(TTL_MS / 3);
    expect(await call(other.url, slug)).toEqual({ status: 404, cost: 0n });
  }, 60_000);
});
