// x402 deposit benchmark (bench/README.md, "x402 deposits"): one run on this machine, loopback only.
//
// End to end, one client, one deposit at a time: the official client asks POST /wallet/deposit/crypto,
// gets the 402 with the payment requirements, signs an EIP-3009 authorization, sends it again with the
// payment header; commerce's in-process facilitator verifies it, settles it on anvil (a real
// transferWithAuthorization, mined) and credits the wallet in the ledger; the 200 ends the timing.
//   v2 gateway  @x402/fetch (PAYMENT-SIGNATURE) through the gateway (API key → identity, forward)
//   v1 gateway  legacy x402-fetch (X-PAYMENT) through the gateway
//   v2 direct   @x402/fetch straight to commerce's internal route (no edge)
// Every deposit is checked afterwards: 200, its transaction mined with status success, and the
// organization's funded balance equal to the sum deposited.
//
// Everything in this process (identity, content, commerce, the gateway, the client) on the infra
// servers (PostgreSQL, Temporal, anvil; embedded event mode). Run: npm run bench:x402 --workspace
// @seren/commerce (builds first). BENCH_ROUNDS (default 40) deposits per scenario.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startCommerceService } from '@seren/commerce';
import { balances } from '@seren/commerce/dist/ledger/index.js';
import { v1PayingFetch, v2PayingFetch } from '@seren/commerce/dist/x402/test-support/clients.js';
import { startContentService } from '@seren/content';
import { loadGatewayConfig, startGateway } from '@seren/gateway';
import { startIdentityService } from '@seren/identity';
import { ANVIL_DEV_KEYS, asCaller, graphql, infraChainEnv, testServiceEnv } from '@seren/testing';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const quiet = { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' };
const chain = infraChainEnv();
const usdc = chain.USDC_ADDRESS as `0x${string}`;

// the hops of each deposit: the time of the 402 round trip and of the paid request, by URL order
let hops: number[] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const started = performance.now();
  const response = await realFetch(input, init);
  hops.push(performance.now() - started);
  return response;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (value: number) => value.toFixed(1);

async function main() {
  const identity = await startIdentityService(testServiceEnv('identity', { embedded: true, env: quiet }));
  const content = await startContentService(testServiceEnv('content', { embedded: true, env: quiet }));
  const commerce = await startCommerceService(
    testServiceEnv('commerce', { embedded: true, env: { ...quiet, ...chain } }),
  );
  const gateway = await startGateway(
    loadGatewayConfig({
      ...testServiceEnv('gateway', { embedded: true, env: quiet }),
      GATEWAY_PORT: '0',
      SERENAI_PORT: '0',
      SEREBRO_PORT: '0',
      SERELO_PORT: '0',
      IDENTITY_URL: identity.url,
      CONTENT_URL: content.url,
      COMMERCE_URL: commerce.url,
      RATE_LIMITS_ENABLED: 'false',
    }),
  );
  try {
    const owner = `org-${randomUUID()}`;
    const registered = await graphql<{ registerPublisher: { id: string } }>(
      commerce.url,
      `mutation { registerPublisher(slug: "bench-x402-${randomUUID().slice(0, 8)}", name: "bench") { id } }`,
      {},
      await asCaller({ subject: `user-${owner}`, organizationId: owner, permissions: ['publisher.manage'] }),
    );
    const publisherId = registered.data!.registerPublisher.id;
    const agentResponse = await realFetch(`${gateway.listeners.serenai.url}/auth/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const agent = (
      (await agentResponse.json()) as { data: { api_key: string; organization: { id: string } } }
    ).data;

    const amount = '0.01';
    const body = JSON.stringify({ amount, publisher_id: publisherId });
    const viaGateway = `${gateway.listeners.serenai.url}/wallet/deposit/crypto`;
    const direct = `${commerce.url}/internal/wallet/deposit/crypto`;
    const agentToken = { authorization: `Bearer ${agent.api_key}` };
    const internal = await asCaller({
      subject: 'bench-agent',
      kind: 'agent',
      organizationId: agent.organization.id,
    });
    const scenarios = [
      {
        name: 'v2 (@x402/fetch) through the gateway',
        url: viaGateway,
        headers: agentToken,
        pay: v2PayingFetch(ANVIL_DEV_KEYS[7], usdc),
      },
      {
        name: 'v1 (x402-fetch) through the gateway',
        url: viaGateway,
        headers: agentToken,
        pay: v1PayingFetch(ANVIL_DEV_KEYS[8], chain.RPC_URL!),
      },
      {
        name: 'v2 (@x402/fetch) direct to commerce',
        url: direct,
        headers: internal,
        pay: v2PayingFetch(ANVIL_DEV_KEYS[7], usdc),
      },
    ];
    const rows: string[] = [];
    const hashes: string[] = [];
    for (const scenario of scenarios) {
      const totals: number[] = [];
      const first: number[] = [];
      const paid: number[] = [];
      for (let round = -3; round < ROUNDS; round++) {
        hops = [];
        const started = performance.now();
        const response = await scenario.pay(scenario.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...scenario.headers },
          body,
        });
        const total = performance.now() - started;
        const answer = (await response.json()) as { tx_hash?: string };
        if (response.status !== 200 || !answer.tx_hash)
          throw new Error(`${scenario.name}: ${response.status} ${JSON.stringify(answer)}`);
        hashes.push(answer.tx_hash);
        if (round < 0) continue; // warm-up
        totals.push(total);
        first.push(hops[0]!);
        paid.push(hops[hops.length - 1]!);
      }
      rows.push(
        `| ${scenario.name} | ${ms(percentile(totals, 50))} | ${ms(percentile(totals, 90))} | ${ms(Math.max(...totals))} | ${ms(percentile(first, 50))} | ${ms(percentile(paid, 50))} | ${totals.length} |`,
      );
      console.error(`[bench] ${rows[rows.length - 1]}`);
    }
    // every deposit settled on-chain and was credited
    for (const hash of hashes) {
      const receipt = await commerce.application.x402.chain.publicClient.getTransactionReceipt({
        hash: hash as `0x${string}`,
      });
      if (receipt.status !== 'success') throw new Error(`transaction ${hash} did not succeed`);
    }
    const funded = (
      await commerce.dataSource.transaction((tx) => balances(tx, agent.organization.id, 'USDC'))
    ).funded;
    if (funded !== BigInt(hashes.length) * 10_000n)
      throw new Error(`credited ${funded}, expected ${BigInt(hashes.length) * 10_000n}`);
    if (new Set(hashes).size !== hashes.length) throw new Error('a transaction was credited twice');

    const table = [
      '| scenario | p50 ms | p90 ms | max ms | 402 round trip p50 ms | paid request (verify + settle + credit) p50 ms | deposits |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n');
    const section = `<!-- x402-bench:start -->
## x402 deposits (commerce)

One run, ${new Date().toISOString().slice(0, 10)}, on this machine (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB), Node ${process.version}, loopback only;
load average ${loadavg()[0]!.toFixed(1)} at the end (other work shared the cores). End to end, one client, one deposit of
${amount} USDC at a time, after 3 warm-up deposits per scenario: the official client's first request answered 402 with the
payment requirements, the EIP-3009 authorization signed (viem account), the paid request verified and settled on anvil by
commerce's in-process facilitator (a mined \`transferWithAuthorization\`, anvil auto-mining) and credited through the
ledger; the 200 ends the timing. Afterwards every one of the ${hashes.length} transactions was checked mined with status success and the
funded balance equal to their sum (each credited once). Identity, content, commerce, the gateway and the client share
one process on the infra servers (PostgreSQL, Temporal, anvil; embedded event mode). Reproduce: \`npm run infra:up\`,
then \`npm run bench:x402 --workspace @seren/commerce\` (\`BENCH_ROUNDS\`, default 40).

${table}

The paid request is most of a deposit: the facilitator's verify (signature, balance, nonce and an \`eth_call\`
simulation of \`transferWithAuthorization\`), its settle (the same checks again, the transaction sent, its receipt
polled every 250 ms: anvil mines at once) and one PostgreSQL transaction (advisory lock on the authorization, journal
entry, settlement row, event); then the 402 round trip, and the signature (a few ms on the client). On a real chain the
settle waits for a block instead (Base: about 2 s). On a loaded machine the scenarios' order matters more than their kind.
<!-- x402-bench:end -->`;
    console.log(section);
    const readme = join(import.meta.dirname, '..', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const replaced = /<!-- x402-bench:start -->[\s\S]*<!-- x402-bench:end -->/.test(text)
      ? text.replace(/<!-- x402-bench:start -->[\s\S]*<!-- x402-bench:end -->/, section)
      : `${text.trimEnd()}\n\n${section}\n`;
    writeFileSync(readme, replaced);
  } finally {
    await gateway.close();
    await Promise.all([commerce.close(), content.close(), identity.close()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
