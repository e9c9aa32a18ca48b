import { postEntry, type NewEntry } from '@seren/commerce/dist/ledger/index.js';
import { randomUUID } from 'node:crypto';
import { waitForEvent } from '@seren/testing';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { eventually, restAgent } from '../../test-support/rest-flows';

// SerenAI's agent wallet (commerce) through the gateway, at the spec's paths: every status each
// operation documents. Money that other features move (deposits, usage charges, refunds) is seeded
// as journal entries through commerce's ledger API, the one way every feature moves money.

type Agent = Awaited<ReturnType<typeof restAgent>>;

const funded = (org: string) => `agent:${org}:funded:USDC`;
const promotional = (org: string) => `agent:${org}:promotional:USDC`;

describe('SerenAI agent wallet through the gateway', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite();
  });
  afterAll(() => s?.close());

  const post = (entry: NewEntry) => s.commerce.dataSource.transaction((tx) => postEntry(tx, entry));

  /** A deposit of `atomic` into the funded balance, as an on-chain deposit posts it. */
  const deposit = (org: string, atomic: bigint, at?: Date) =>
    post({
      kind: 'deposit_x402',
      reference: `0x${randomUUID().replace(/-/g, '')}`,
      organizationId: org,
      lines: [
        { account: funded(org), asset: 'USDC', amount: atomic },
        { account: 'system:onchain_clearing:USDC', asset: 'USDC', amount: -atomic },
      ],
      at,
    });

  /** A usage charge paid from the funded balance to a publisher. */
  const charge = (org: string, publisherId: string, atomic: bigint, at: Date) =>
    post({
      kind: 'charge',
      reference: randomUUID(),
      organizationId: org,
      lines: [
        { account: funded(org), asset: 'USDC', amount: -atomic },
        { account: `publisher:${publisherId}:earnings:USDC`, asset: 'USDC', amount: atomic },
      ],
      at,
    });

  async function withRecovery(agent: Agent) {
    const r = await s.serenai('POST', '/wallet/recovery', { token: agent.token, body: {} });
    expect(r.status).toBe(200);
    // commerce learns it from identity's RecoveryCodeIssued: wait until its consumer has
    await eventually(
      async () =>
        (await s.serenai('GET', '/wallet/balance', { token: agent.token })).body.data?.has_recovery === true,
      15_000,
    );
  }

  it('answers 401 on every wallet operation without a credential', async () => {
    for (const [method, path] of [
      ['GET', '/wallet/balance'],
      ['POST', '/wallet/bonus/signup'],
      ['POST', '/wallet/bonus/payment-method'],
      ['POST', '/wallet/daily/claim'],
      ['GET', '/wallet/daily/eligibility'],
      ['GET', '/wallet/referral'],
      ['POST', '/wallet/referral/apply'],
      ['GET', '/wallet/transactions'],
      ['GET', '/wallet/transactions/export'],
      ['GET', '/wallet/transactions/summary'],
    ] as const) {
      const r = await s.serenai(method, path, path.endsWith('apply') ? { body: { referral_code: 'X' } } : {});
      expect({ path, status: r.status }).toEqual({ path, status: 401 });
      expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });

  it('GET /wallet/balance → 200: a new wallet is empty, has an address and no recovery yet', async () => {
    const agent = await restAgent(s);
    const r = await s.serenai('GET', '/wallet/balance', { token: agent.token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: {
        wallet_address: expect.stringMatching(/^0x[0-9a-f]{40}$/),
        balance_atomic: 0,
        balance_usd: '$0.00',
        funded_balance_atomic: 0,
        funded_balance_usd: '$0.00',
        promotional_balance_atomic: 0,
        promotional_balance_usd: '$0.00',
        by_source: [],
        total_purchases_cents: 0,
        total_purchases_usd: '$0.00',
        has_recovery: false,
        recovery_warning: null,
      },
      pagination: null,
    });
  });

  it('refuses every promotion with 403 "Recovery setup required" until wallet recovery is set up', async () => {
    const agent = await restAgent(s);
    for (const path of ['/wallet/bonus/signup', '/wallet/bonus/payment-method', '/wallet/daily/claim']) {
      const r = await s.serenai('POST', path, { token: agent.token });
      expect({ path, status: r.status, body: r.body }).toEqual({
        path,
        status: 403,
        body: { error: 'RECOVERY_REQUIRED', message: 'Recovery setup required' },
      });
    }
    const eligibility = await s.serenai('GET', '/wallet/daily/eligibility', { token: agent.token });
    expect(eligibility.status).toBe(200);
    expect(eligibility.body.data).toMatchObject({ can_claim: false, reason: 'RECOVERY_REQUIRED' });
    await deposit(agent.organizationId, 2_500_000n);
    const balance = await s.serenai('GET', '/wallet/balance', { token: agent.token });
    expect(balance.body.data.recovery_warning).toMatch(/recovery/i);
  });

  it('POST /wallet/bonus/signup → 200 once after recovery, then 409; credited to the promotional balance', async () => {
    const agent = await restAgent(s);
    await withRecovery(agent);
    const first = await s.serenai('POST', '/wallet/bonus/signup', { token: agent.token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      data: { success: true, amount_atomic: 1_000_000, amount_usd: '$1.00', bonus_type: 'signup' },
      pagination: null,
    });
    const again = await s.serenai('POST', '/wallet/bonus/signup', { token: agent.token });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'BONUS_ALREADY_CLAIMED', message: 'Bonus already claimed' });
    const balance = (await s.serenai('GET', '/wallet/balance', { token: agent.token })).body.data;
    expect(balance).toMatchObject({
      balance_atomic: 1_000_000,
      promotional_balance_atomic: 1_000_000,
      promotional_balance_usd: '$1.00',
      funded_balance_atomic: 0,
      by_source: [
        { source: 'signup_bonus', kind: 'promotional', balance_atomic: 1_000_000, balance_usd: '$1.00' },
      ],
      has_recovery: true,
    });
  });

  it('pays one bonus for concurrent claims, and answers the first result again for the same Idempotency-Key', async () => {
    const agent = await restAgent(s);
    await withRecovery(agent);
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => s.serenai('POST', '/wallet/bonus/signup', { token: agent.token })),
    ).then((answers) => answers.map((a) => a.status).sort());
    expect(statuses).toEqual([200, 409, 409, 409, 409]);
    expect((await s.serenai('GET', '/wallet/balance', { token: agent.token })).body.data.balance_atomic).toBe(
      1_000_000,
    );

    const other = await restAgent(s);
    await withRecovery(other);
    const key = { 'idempotency-key': randomUUID() };
    const a = await s.serenai('POST', '/wallet/daily/claim', { token: other.token, headers: key });
    const b = await s.serenai('POST', '/wallet/daily/claim', { token: other.token, headers: key });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toEqual(a.body);
    expect((await s.serenai('GET', '/wallet/balance', { token: other.token })).body.data.balance_atomic).toBe(
      100_000,
    );
  });

  it('POST /wallet/bonus/payment-method → 403 without a payment method on file, 200 with one, then 409', async () => {
    const agent = await restAgent(s);
    await withRecovery(agent);
    const without = await s.serenai('POST', '/wallet/bonus/payment-method', { token: agent.token });
    expect(without.status).toBe(403);
    expect(without.body.error).toBe('PAYMENT_METHOD_REQUIRED');
    const card = await s.serenai('POST', '/billing/payment-methods', {
      token: agent.token,
      body: { set_as_default: true, stripe_payment_method_id: 'pm_card_visa' },
    });
    expect(card.status).toBe(200);
    const claimed = await s.serenai('POST', '/wallet/bonus/payment-method', { token: agent.token });
    expect(claimed.status).toBe(200);
    expect(claimed.body.data).toEqual({
      success: true,
      amount_atomic: 2_000_000,
      amount_usd: '$2.00',
      bonus_type: 'payment_method',
    });
    expect((await s.serenai('POST', '/wallet/bonus/payment-method', { token: agent.token })).status).toBe(
      409,
    );
    // claimed stays claimed, with the card removed since
    const removed = await s.serenai('DELETE', `/billing/payment-methods/${card.body.data.id}`, {
      token: agent.token,
    });
    expect(removed.status).toBe(204);
    expect((await s.serenai('POST', '/wallet/bonus/payment-method', { token: agent.token })).status).toBe(
      409,
    );
    // the signup bonus is a bonus of its own
    expect((await s.serenai('POST', '/wallet/bonus/signup', { token: agent.token })).status).toBe(200);
  });

  it('POST /wallet/daily/claim → 200 once per UTC day, then 400; eligibility says when it resets', async () => {
    const agent = await restAgent(s);
    await withRecovery(agent);
    const before = await s.serenai('GET', '/wallet/daily/eligibility', { token: agent.token });
    expect(before.body).toEqual({
      data: {
        can_claim: true,
        claim_amount_usd: '$0.10',
        claims_remaining_this_month: 20,
        reason: null,
        resets_in_seconds: null,
      },
      pagination: null,
    });
    const claim = await s.serenai('POST', '/wallet/daily/claim', { token: agent.token });
    expect(claim.status).toBe(200);
    expect(claim.body.data).toEqual({
      success: true,
      amount_atomic: 100_000,
      amount_usd: '$0.10',
      balance_atomic: 100_000,
      balance_usd: '$0.10',
      claims_remaining_this_month: 19,
    });
    const again = await s.serenai('POST', '/wallet/daily/claim', { token: agent.token });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      error: 'ALREADY_CLAIMED_TODAY',
      message: /Not eligible for daily claim/,
    });
    const after = (await s.serenai('GET', '/wallet/daily/eligibility', { token: agent.token })).body.data;
    expect(after).toMatchObject({
      can_claim: false,
      reason: 'ALREADY_CLAIMED_TODAY',
      claims_remaining_this_month: 19,
    });
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    const expected = Math.ceil((midnight.getTime() - Date.now()) / 1000);
    expect(Math.abs(after.resets_in_seconds - expected)).toBeLessThanOrEqual(5);
  });

  it('GET /wallet/referral and POST /wallet/referral/apply: 200, 400 unknown or own code, 409 already referred; the referrer is paid once', async () => {
    const referrer = await restAgent(s);
    const info = await s.serenai('GET', '/wallet/referral', { token: referrer.token });
    expect(info.status).toBe(200);
    expect(info.body.data).toEqual({
      referral_code: expect.stringMatching(/^[A-Z2-9]{8}$/),
      referral_url: expect.stringContaining(info.body.data.referral_code),
      total_referrals: 0,
      total_earnings_atomic: 0,
      total_earnings_usd: '$0.00',
      pending_earnings_atomic: 0,
      pending_earnings_usd: '$0.00',
    });
    const code = info.body.data.referral_code as string;
    expect(
      (await s.serenai('GET', '/wallet/referral', { token: referrer.token })).body.data.referral_code,
    ).toBe(code);

    const own = await s.serenai('POST', '/wallet/referral/apply', {
      token: referrer.token,
      body: { referral_code: code },
    });
    expect(own.status).toBe(400);
    expect(own.body.error).toBe('SELF_REFERRAL');

    const referred = await restAgent(s);
    const unknown = await s.serenai('POST', '/wallet/referral/apply', {
      token: referred.token,
      body: { referral_code: 'NOSUCH22' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'INVALID_REFERRAL_CODE', message: 'Invalid referral code' });
    expect(
      (await s.serenai('POST', '/wallet/referral/apply', { token: referred.token, body: {} })).status,
    ).toBe(400);
    for (const bad of ['AB\u0000CD22', 'x'.repeat(10_000), '']) {
      const r = await s.serenai('POST', '/wallet/referral/apply', {
        token: referred.token,
        body: { referral_code: bad },
      });
      // a NUL byte is refused at the edge (VALIDATION_ERROR), the rest by commerce
      expect(r.status).toBe(400);
      expect(['INVALID_REFERRAL_CODE', 'VALIDATION_ERROR']).toContain(r.body.error);
    }

    const applied = await s.serenai('POST', '/wallet/referral/apply', {
      token: referred.token,
      body: { referral_code: code.toLowerCase() },
    });
    expect(applied.status).toBe(200);
    expect(applied.body.data).toMatchObject({ success: true, referral_code: code });

    const second = await restAgent(s);
    const secondCode = (await s.serenai('GET', '/wallet/referral', { token: second.token })).body.data
      .referral_code;
    const twice = await s.serenai('POST', '/wallet/referral/apply', {
      token: referred.token,
      body: { referral_code: secondCode },
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual({ error: 'ALREADY_REFERRED', message: 'Already has a referrer' });

    const paid = (await s.serenai('GET', '/wallet/referral', { token: referrer.token })).body.data;
    expect(paid).toMatchObject({
      total_referrals: 1,
      total_earnings_atomic: 1_000_000,
      total_earnings_usd: '$1.00',
    });
    const balance = (await s.serenai('GET', '/wallet/balance', { token: referrer.token })).body.data;
    expect(balance).toMatchObject({
      promotional_balance_atomic: 1_000_000,
      by_source: [
        { source: 'referral_reward', kind: 'promotional', balance_atomic: 1_000_000, balance_usd: '$1.00' },
      ],
    });
  });

  it('applies one referrer for concurrent applies, pays its reward once, and publishes the facts on commerce.wallet', async () => {
    const referrer = await restAgent(s);
    const code = (await s.serenai('GET', '/wallet/referral', { token: referrer.token })).body.data
      .referral_code;
    const referred = await restAgent(s);
    const statuses = await Promise.all(
      Array.from({ length: 4 }, () =>
        s.serenai('POST', '/wallet/referral/apply', { token: referred.token, body: { referral_code: code } }),
      ),
    ).then((answers) => answers.map((a) => a.status).sort());
    expect(statuses).toEqual([200, 409, 409, 409]);
    expect((await s.serenai('GET', '/wallet/referral', { token: referrer.token })).body.data).toMatchObject({
      total_referrals: 1,
      total_earnings_atomic: 1_000_000,
    });
    expect(
      (await s.serenai('GET', '/wallet/balance', { token: referrer.token })).body.data.balance_atomic,
    ).toBe(1_000_000);
    const paid = await waitForEvent(
      'commerce.wallet',
      (e) =>
        e.type === 'ReferralRewardPaid' &&
        (e.data as { referredOrganizationId?: string }).referredOrganizationId === referred.organizationId,
    );
    expect(paid).toMatchObject({
      key: `wallet-${referrer.organizationId}`,
      source: 'commerce',
      data: {
        organizationId: referrer.organizationId,
        amountAtomic: '1000000',
        ledgerKind: 'referral',
        ledgerReference: referred.organizationId,
      },
    });
  });

  it('answers the same over GraphQL: the balance, FORBIDDEN before recovery, CONFLICT on a second claim', async () => {
    const agent = await restAgent(s);
    const as = { token: agent.token };
    const claim = 'mutation { claimSignupBonus { bonusType amountAtomic } }';
    expect(await s.client.error(claim, {}, as)).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'RECOVERY_REQUIRED',
      message: 'Recovery setup required',
    });
    await withRecovery(agent);
    expect(await s.client.ok(claim, {}, as)).toEqual({
      claimSignupBonus: { bonusType: 'SIGNUP', amountAtomic: '1000000' },
    });
    expect(await s.client.error(claim, {}, as)).toMatchObject({
      code: 'CONFLICT',
      reason: 'BONUS_ALREADY_CLAIMED',
    });
    const { walletBalance } = await s.client.ok<{ walletBalance: Record<string, unknown> }>(
      '{ walletBalance { balanceAtomic promotionalBalanceAtomic fundedBalanceAtomic hasRecovery walletAddress } }',
      {},
      as,
    );
    const rest = (await s.serenai('GET', '/wallet/balance', as)).body.data;
    expect(walletBalance).toEqual({
      balanceAtomic: String(rest.balance_atomic),
      promotionalBalanceAtomic: '1000000',
      fundedBalanceAtomic: '0',
      hasRecovery: true,
      walletAddress: rest.wallet_address,
    });
    expect(await s.client.error('{ walletTransactions(limit: 500) { total } }', {}, as)).toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  describe('transactions, summary and export', () => {
    let agent: Agent;
    const pubA = randomUUID();
    const pubB = randomUUID();
    const day = (d: string, time = '12:00:00') => new Date(`${d}T${time}.000Z`);

    beforeAll(async () => {
      agent = await restAgent(s);
      const org = agent.organizationId;
      // publisher A as registerPublisher records it (charges/), so rows can name it
      await s.commerce.dataSource.query(
        `insert into publishers (id, slug, name, organization_id, created_at, updated_at) values ($1, $2, $3, $4, now(), now())`,
        [pubA, `acme-${pubA.slice(0, 8)}`, 'Acme, "Data" Co', randomUUID()],
      );
      await deposit(org, 10_000_000n, day('2026-11-01', '09:00:00'));
      await charge(org, pubA, 10_000n, day('2026-11-02', '01:00:00'));
      await charge(org, pubA, 20_000n, day('2026-11-02', '23:59:59'));
      await charge(org, pubB, 5_000n, day('2026-11-02', '10:00:00'));
      await charge(org, pubA, 7_000n, day('2026-11-03', '00:00:00'));
      await post({
        kind: 'refund',
        reference: randomUUID(),
        organizationId: org,
        lines: [
          { account: funded(org), asset: 'USDC', amount: 7_000n },
          { account: `publisher:${pubA}:earnings:USDC`, asset: 'USDC', amount: -7_000n },
        ],
        metadata: { description: '=HYPERLINK("x"), refund "partial"' },
        at: day('2026-11-04'),
      });
      await post({
        kind: 'bonus_signup',
        reference: org,
        organizationId: org,
        lines: [
          { account: promotional(org), asset: 'USDC', amount: 1_000_000n },
          { account: 'system:promotions:USDC', asset: 'USDC', amount: -1_000_000n },
        ],
        at: day('2026-11-05'),
      });
    });

    it('GET /wallet/transactions → 200: usage debits aggregated per UTC day and publisher, newest first', async () => {
      const r = await s.serenai('GET', '/wallet/transactions', { token: agent.token });
      expect(r.status).toBe(200);
      const rows = r.body.data.transactions as Record<string, unknown>[];
      expect(r.body.data).toMatchObject({ total: 6, total_is_exact: true, limit: 50, offset: 0 });
      expect(r.body.pagination).toEqual({ total: 6, limit: 50, offset: 0 });
      expect(
        rows.map((t) => [t.source, t.direction, t.amount_atomic, t.publisher_id, t.usage_count]),
      ).toEqual([
        ['signup_bonus', 'credit', 1_000_000, null, 1],
        ['refund', 'credit', 7_000, pubA, 1],
        ['usage', 'debit', 7_000, pubA, 1],
        ['usage', 'debit', 30_000, pubA, 2],
        ['usage', 'debit', 5_000, pubB, 1],
        ['onchain_deposit', 'credit', 10_000_000, null, 1],
      ]);
      // the day's row carries the time of its last usage and the balance right after it
      expect(rows[3]).toMatchObject({
        publisher_name: 'Acme, "Data" Co',
        created_at: '2026-11-02T23:59:59.000Z',
        amount_usd: '$0.03',
        balance_after_atomic: 9_965_000,
        balance_after_usd: '$9.96',
      });
      expect(rows[0]).toMatchObject({ balance_after_atomic: null, balance_after_usd: null });
      // stable ids: the same day and publisher is the same row on every read
      const again = await s.serenai('GET', '/wallet/transactions', { token: agent.token });
      expect(again.body.data.transactions[3].id).toBe(rows[3]!.id);
    });

    it('GET /wallet/transactions?include_usage=true lists each usage debit; dates filter [start, end) at UTC midnight; pages', async () => {
      const raw = await s.serenai('GET', '/wallet/transactions?include_usage=true', { token: agent.token });
      expect(raw.body.data.total).toBe(7);
      const nov2 = await s.serenai(
        'GET',
        '/wallet/transactions?include_usage=true&start_date=2026-11-02&end_date=2026-11-03',
        {
          token: agent.token,
        },
      );
      expect(nov2.body.data.transactions.map((t: { amount_atomic: number }) => t.amount_atomic)).toEqual([
        20_000, 5_000, 10_000,
      ]);
      const aggregated = await s.serenai(
        'GET',
        '/wallet/transactions?start_date=2026-11-02&end_date=2026-11-03',
        {
          token: agent.token,
        },
      );
      expect(aggregated.body.data.total).toBe(2);
      const page = await s.serenai('GET', '/wallet/transactions?limit=2&offset=2', { token: agent.token });
      expect(page.body.data).toMatchObject({ total: 6, limit: 2, offset: 2 });
      expect(page.body.data.transactions.map((t: { amount_atomic: number }) => t.amount_atomic)).toEqual([
        7_000, 30_000,
      ]);
    });

    it('GET /wallet/transactions → 400 for a limit outside 1-100, a negative offset or a malformed date', async () => {
      for (const query of [
        'limit=101',
        'limit=0',
        'offset=-1',
        'start_date=2026-13-01',
        'end_date=yesterday',
        'limit=ten',
      ]) {
        const r = await s.serenai('GET', `/wallet/transactions?${query}`, { token: agent.token });
        expect({ query, status: r.status }).toEqual({ query, status: 400 });
        expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
    });

    it('GET /wallet/transactions/summary → 200: the balance before, credits, debits and the balance after the period', async () => {
      const r = await s.serenai(
        'GET',
        '/wallet/transactions/summary?start_date=2026-11-02&end_date=2026-11-05',
        {
          token: agent.token,
        },
      );
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({
        starting_balance_atomic: 10_000_000,
        starting_balance_usd: '$10.00',
        total_credits_atomic: 7_000,
        total_credits_usd: '$0.00',
        total_debits_atomic: 42_000,
        total_debits_usd: '$0.04',
        net_change_atomic: -35_000,
        net_change_usd: '-$0.03',
        ending_balance_atomic: 9_965_000,
        ending_balance_usd: '$9.96',
        transaction_count: 5,
        period_start: '2026-11-02',
        period_end: '2026-11-05',
      });
      const all = await s.serenai('GET', '/wallet/transactions/summary', { token: agent.token });
      expect(all.body.data).toMatchObject({
        starting_balance_atomic: 0,
        ending_balance_atomic: 10_965_000,
        transaction_count: 7,
        period_start: null,
        period_end: null,
      });
      expect(
        (await s.serenai('GET', '/wallet/transactions/summary?start_date=02-11-2026', { token: agent.token }))
          .status,
      ).toBe(400);
    });

    it('GET /wallet/transactions/export → 200 text/csv: every transaction oldest first, escaped, formulas neutralized', async () => {
      const r = await s.serenai(
        'GET',
        '/wallet/transactions/export?start_date=2026-11-02&end_date=2026-11-05',
        {
          token: agent.token,
        },
      );
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(r.headers.get('content-disposition')).toBe(
        'attachment; filename="transactions-2026-11-02-to-2026-11-05.csv"',
      );
      const lines = r.text.split('\r\n');
      expect(lines[0]).toBe(
        'created_at,id,direction,source,description,amount_atomic,amount_usd,balance_after_atomic,balance_after_usd,publisher_id,publisher_name',
      );
      expect(lines.at(-1)).toBe('');
      const rows = lines.slice(1, -1);
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatch(
        new RegExp(
          `^2026-11-02T01:00:00.000Z,[0-9a-f-]{36},debit,usage,Usage charge,10000,\\$0.01,9990000,\\$9.99,${pubA},"Acme, ""Data"" Co"$`,
        ),
      );
      expect(rows[4]).toMatch(
        /,credit,refund,"'=HYPERLINK\(""x""\), refund ""partial""",7000,\$0\.00,9965000,\$9\.96,/,
      );
      expect(
        (await s.serenai('GET', '/wallet/transactions/export?end_date=nope', { token: agent.token })).status,
      ).toBe(400);
    });

    it('exports a long history in batches, whole', async () => {
      const busy = await restAgent(s);
      await deposit(busy.organizationId, 100_000_000n, day('2026-10-01'));
      const publisher = randomUUID();
      for (let i = 0; i < 1_100; i++)
        await charge(
          busy.organizationId,
          publisher,
          1_000n,
          new Date(Date.parse('2026-10-02T00:00:00Z') + i * 1000),
        );
      const r = await s.serenai('GET', '/wallet/transactions/export', { token: busy.token });
      const rows = r.text.split('\r\n').slice(1, -1);
      expect(rows).toHaveLength(1_101);
      expect(rows.at(-1)).toContain(',98900000,');
      const ids = new Set(rows.map((row) => row.split(',')[1]));
      expect(ids.size).toBe(1_101);
    });
  });
});
