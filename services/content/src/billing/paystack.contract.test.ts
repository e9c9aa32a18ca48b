import { PaystackClient, PaystackError, paystackSignature, paystackSignatureValid } from './paystack';
import { startFakePaystack, type FakePaystack } from './test-support/paystack-server';

// CONTRACT TEST against a local HTTP server that speaks Paystack's documented request and response
// shapes (test-support/paystack-server.ts): Paystack itself cannot be reached from this machine.
// It checks what our client sends (paths, bearer secret key, JSON bodies, amounts in subunits) and
// that it reads Paystack's `{status, message, data}` answers, retries what is worth retrying and
// gives up on time.
describe('Paystack client (contract test against a local server speaking Paystack’s documented API)', () => {
  let paystack: FakePaystack;
  let client: PaystackClient;
  beforeAll(async () => {
    paystack = await startFakePaystack();
    client = new PaystackClient({
      baseUrl: paystack.url,
      secretKey: paystack.secretKey,
      timeoutMs: 500,
      retries: 2,
      backoffMs: () => 10,
    });
  });
  afterAll(() => paystack?.close());

  it('creates a monthly ZAR plan once, then finds it by name and amount', async () => {
    const code = await client.ensurePlan({ name: 'Serelo pro', amountMinor: 99_900, currency: 'ZAR' });
    expect(code).toMatch(/^PLN_/);
    const fresh = new PaystackClient({ baseUrl: paystack.url, secretKey: paystack.secretKey });
    expect(await fresh.ensurePlan({ name: 'Serelo pro', amountMinor: 99_900, currency: 'ZAR' })).toBe(code);
    const created = paystack.requests.filter((r) => r.method === 'POST' && r.path === '/plan');
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toEqual({
      name: 'Serelo pro',
      amount: 99_900,
      interval: 'monthly',
      currency: 'ZAR',
    });
    expect(created[0]!.authorization).toBe(`Bearer ${paystack.secretKey}`);
    expect(created[0]!.contentType).toBe('application/json');
  });

  it('initializes a transaction on the plan (amount in cents) and verifies it once paid', async () => {
    const planCode = await client.ensurePlan({
      name: 'Serelo starter',
      amountMinor: 39_900,
      currency: 'ZAR',
    });
    const checkout = await client.initializeTransaction({
      email: 'ada@example.com',
      amountMinor: 39_900,
      currency: 'ZAR',
      reference: 'srl_contract_1',
      planCode,
      channels: ['card'],
      metadata: { user_id: 'u1' },
    });
    expect(checkout).toEqual({
      authorizationUrl: expect.stringMatching(/\/checkout\/[0-9a-f]+$/),
      accessCode: expect.any(String),
      reference: 'srl_contract_1',
    });
    const sent = paystack.requests.find((r) => r.path === '/transaction/initialize')!;
    expect(sent.body).toEqual({
      email: 'ada@example.com',
      amount: '39900',
      currency: 'ZAR',
      reference: 'srl_contract_1',
      plan: planCode,
      channels: ['card'],
      metadata: { user_id: 'u1' },
    });
    expect((await client.verifyTransaction('srl_contract_1')).status).toBe('abandoned');
    paystack.pay('srl_contract_1');
    expect(await client.verifyTransaction('srl_contract_1')).toEqual({
      status: 'success',
      reference: 'srl_contract_1',
      amountMinor: 39_900,
      currency: 'ZAR',
      paidAt: expect.any(String),
      customerCode: expect.stringMatching(/^CUS_/),
      customerEmail: 'ada@example.com',
    });
  });

  it('fetches, disables and enables (with the email token) and creates subscriptions', async () => {
    const [subscription] = [...paystack.subscriptions.values()];
    const fetched = await client.fetchSubscription(subscription!.subscriptionCode);
    expect(fetched).toEqual({
      subscriptionCode: subscription!.subscriptionCode,
      emailToken: subscription!.emailToken,
      status: 'active',
    });
    await client.disableSubscription({ code: fetched.subscriptionCode, token: fetched.emailToken });
    expect((await client.fetchSubscription(fetched.subscriptionCode)).status).toBe('non-renewing');
    // enabled again (a withdrawn downgrade): it renews
    await client.enableSubscription({ code: fetched.subscriptionCode, token: fetched.emailToken });
    expect((await client.fetchSubscription(fetched.subscriptionCode)).status).toBe('active');
    await client.disableSubscription({ code: fetched.subscriptionCode, token: fetched.emailToken });
    const planCode = await client.ensurePlan({ name: 'Serelo pro', amountMinor: 99_900, currency: 'ZAR' });
    const created = await client.createSubscription({
      customer: subscription!.customerCode,
      planCode,
      startDate: '2027-01-01T00:00:00.000Z',
    });
    expect(created.subscriptionCode).toMatch(/^SUB_/);
    expect(paystack.requests.at(-1)!.body).toEqual({
      customer: subscription!.customerCode,
      plan: planCode,
      start_date: '2027-01-01T00:00:00.000Z',
    });
  });

  it("surfaces Paystack's refusal message and does not retry a 4xx", async () => {
    const before = paystack.requests.length;
    await expect(client.verifyTransaction('no-such-reference')).rejects.toThrow(
      /404: Transaction reference not found/,
    );
    expect(paystack.requests.length - before).toBe(1);
    const wrongKey = new PaystackClient({ baseUrl: paystack.url, secretKey: 'sk_test_wrong', retries: 0 });
    await expect(wrongKey.verifyTransaction('srl_contract_1')).rejects.toMatchObject({
      httpStatus: 401,
      transient: false,
    });
  });

  it('retries a 5xx or 429 and succeeds', async () => {
    paystack.fail('/transaction/verify/', { status: 502, times: 1 });
    paystack.fail('/transaction/verify/', { status: 429, times: 1 });
    const before = paystack.requests.length;
    expect((await client.verifyTransaction('srl_contract_1')).status).toBe('success');
    expect(paystack.requests.length - before).toBe(3);
  });

  it('gives up after its retries, each attempt cut at the timeout', async () => {
    paystack.fail('/transaction/verify/', { status: 500, times: 3, hangMs: 2_000 });
    const started = Date.now();
    const error = await client.verifyTransaction('srl_contract_1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaystackError);
    expect((error as PaystackError).message).toMatch(/timed out after 500 ms/);
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it('verifies x-paystack-signature as HMAC-SHA512 of the raw body with the secret key', () => {
    const body = Buffer.from(JSON.stringify({ event: 'charge.success', data: { id: 1 } }));
    const signature = paystackSignature(paystack.secretKey, body);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(paystackSignatureValid(paystack.secretKey, body, signature)).toBe(true);
    expect(
      paystackSignatureValid(paystack.secretKey, Buffer.concat([body, Buffer.from(' ')]), signature),
    ).toBe(false);
    expect(paystackSignatureValid('sk_test_other', body, signature)).toBe(false);
    expect(paystackSignatureValid(paystack.secretKey, body, undefined)).toBe(false);
    expect(paystackSignatureValid(paystack.secretKey, body, 'abc')).toBe(false);
  });
});
