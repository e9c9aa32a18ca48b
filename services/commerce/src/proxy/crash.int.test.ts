import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { accounts, balanceOf, postEntry } from '../ledger/index.js';
import { startCommerceService, type CommerceService } from '../service';
import { startCommerceChild } from '../x402/test-support/commerce-process.js';

// A commerce process SIGKILLed while a paid call waits on its upstream: the money it held is not
// lost. Another process on the same database (the survivor) sweeps the expired hold back to the
// wallet and records the call as released (status unknown), once.

describe('a paid call whose process dies mid-call', () => {
  let survivor: CommerceService;
  let upstream: Server;
  let upstreamUrl: string;
  const children: ChildProcess[] = [];
  const received: string[] = [];
  const env = testServiceEnv('commerce', {
    embedded: true,
    env: {
      OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8',
      PROXY_UPSTREAM_TIMEOUT_MS: '2000',
      PROXY_HOLD_GRACE_MS: '500',
      PROXY_SWEEP_INTERVAL_MS: '300',
      PROXY_PUBLISHER_CACHE_MS: '0',
    },
  });

  beforeAll(async () => {
    // an upstream that takes its time: the call is in flight when its process is killed
    upstream = createServer((request, response) => {
      received.push(request.url!);
      setTimeout(() => response.end('late'), 30_000).unref();
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    survivor = await startCommerceService(env);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await survivor?.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('the hold is released by the survivor’s sweep with a released usage event; nothing is paid', async () => {
    const owner = `org-${randomUUID()}`;
    const slug = `crash-${randomUUID().slice(0, 8)}`;
    const created = await graphql<{ createPublisher: { id: string } }>(
      survivor.url,
      `
        mutation ($input: PublisherInput!) {
          createPublisher(organizationId: "default", input: $input) {
            id
          }
        }
      `,
      {
        input: {
          slug,
          name: 'Slow API',
          integrationType: 'api',
          apiUrl: `${upstreamUrl}/api`,
          billingModel: 'prepaid_credits',
          pricePerCall: '0.25',
        },
      },
      await asCaller({ subject: `user-${owner}`, organizationId: owner, permissions: ['publisher.manage'] }),
    );
    expect(created.errors).toBeUndefined();
    const publisherId = created.data!.createPublisher.id;
    const org = `org-${randomUUID()}`;
    const manager = survivor.application.dataSource.manager;
    await survivor.application.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'deposit_x402',
        reference: `crash-${randomUUID()}`,
        organizationId: org,
        lines: [
          { account: accounts.agentFunded(org, 'USDC'), asset: 'USDC', amount: 1_000_000n },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -1_000_000n },
        ],
      }),
    );

    const doomed = await startCommerceChild(env);
    children.push(doomed.child);
    const call = fetch(`${doomed.url}/internal/publishers/${slug}/v1/slow`, {
      headers: await asCaller({ subject: `agent-${org}`, kind: 'agent', organizationId: org }),
    }).catch((error: unknown) => error);
    for (let i = 0; i < 200 && received.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(received).toEqual(['/api/v1/slow']);
    // paid before the upstream runs: the price is held
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(250_000n);
    doomed.child.kill('SIGKILL');
    await call;

    const deadline = Date.now() + 15_000;
    while ((await balanceOf(manager, accounts.agentHeld(org, 'USDC'))) !== 0n && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(0n);
    expect(await balanceOf(manager, accounts.agentFunded(org, 'USDC'))).toBe(1_000_000n);
    expect(await balanceOf(manager, accounts.publisherEarnings(publisherId, 'USDC'))).toBe(0n);
    const events: { data: Record<string, unknown> }[] = await manager.query(
      `select data from events where type = 'PublisherCallCompleted' and data->>'publisherId' = $1`,
      [publisherId],
    );
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({
        organizationId: org,
        outcome: 'released',
        status: null,
        cost: '250000',
        paidWith: 'wallet',
      }),
    ]);
  });
});
