import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { paystackSignature } from '../paystack';

/**
 * A LOCAL STAND-IN FOR PAYSTACK, for tests only: Paystack cannot be reached from this machine.
 * It speaks the request and response shapes of Paystack's documented API
 * (https://paystack.com/docs/api/: `Authorization: Bearer <secret key>`, JSON bodies, the
 * `{status, message, data}` envelope, `{status: false, message}` errors, amounts in subunits) for
 * the endpoints billing calls: transaction initialize/verify, plan list/create, subscription
 * create/fetch/disable. Its checkout page stands for the customer paying (`pay(reference)`), and it
 * builds the documented webhook payloads (charge.success, subscription.create, invoice.payment_failed)
 * signed as Paystack signs them. It proves our client speaks the documented contract, not that
 * Paystack behaves like it in every detail.
 */
export interface FakeTransaction {
  id: number;
  reference: string;
  accessCode: string;
  email: string;
  amount: number;
  currency: string;
  planCode: string | null;
  channels: string[] | null;
  metadata: unknown;
  status: 'abandoned' | 'success' | 'failed';
  paidAt: string | null;
  customerCode: string | null;
}

export interface FakeSubscription {
  id: number;
  subscriptionCode: string;
  emailToken: string;
  customerCode: string;
  email: string;
  planCode: string;
  amount: number;
  status: 'active' | 'non-renewing' | 'cancelled';
  startDate: string | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

export interface FakePaystack {
  url: string;
  secretKey: string;
  requests: RecordedRequest[];
  transactions: Map<string, FakeTransaction>;
  subscriptions: Map<string, FakeSubscription>;
  plans: {
    id: number;
    name: string;
    plan_code: string;
    amount: number;
    interval: string;
    currency: string;
  }[];
  /** the next `times` calls to `path` (a prefix) answer `status` (or hang for `hangMs` first) */
  fail(path: string, options: { status?: number; times?: number; hangMs?: number }): void;
  /** the customer completes the checkout of `reference` (what Paystack's checkout page does) */
  pay(reference: string): FakeTransaction;
  /** documented webhook payloads, as Paystack would send them */
  chargeSuccessEvent(reference: string): object;
  subscriptionCreateEvent(reference: string): object;
  invoicePaymentFailedEvent(subscriptionCode: string): object;
  subscriptionDisableEvent(subscriptionCode: string): object;
  /** `x-paystack-signature` for a body */
  sign(body: string): string;
  close(): Promise<void>;
}

const code = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export async function startFakePaystack(
  secretKey = `sk_test_${randomBytes(12).toString('hex')}`,
): Promise<FakePaystack> {
  const requests: RecordedRequest[] = [];
  const transactions = new Map<string, FakeTransaction>();
  const subscriptions = new Map<string, FakeSubscription>();
  const customers = new Map<string, { id: number; customerCode: string; email: string }>();
  const plans: FakePaystack['plans'] = [];
  const faults: { path: string; status: number; times: number; hangMs: number }[] = [];
  let ids = 300_000;
  let url = '';

  const customerOf = (email: string) => {
    let customer = customers.get(email);
    if (!customer) {
      customer = { id: ++ids, customerCode: code('CUS'), email };
      customers.set(email, customer);
    }
    return customer;
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const ok = (res: ServerResponse, message: string, data: unknown, meta?: unknown) =>
    send(res, 200, { status: true, message, data, ...(meta ? { meta } : {}) });
  const refuse = (res: ServerResponse, status: number, message: string) =>
    send(res, status, { status: false, message });

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  function subscriptionData(s: FakeSubscription) {
    const plan = plans.find((p) => p.plan_code === s.planCode);
    return {
      id: s.id,
      domain: 'test',
      status: s.status,
      subscription_code: s.subscriptionCode,
      email_token: s.emailToken,
      amount: s.amount,
      cron_expression: '0 0 1 * *',
      next_payment_date: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      open_invoice: null,
      plan: plan ?? { plan_code: s.planCode },
      customer: { id: customerOf(s.email).id, email: s.email, customer_code: s.customerCode },
      createdAt: new Date().toISOString(),
    };
  }

  function subscribe(customerCode: string, email: string, planCode: string, startDate: string | null) {
    const plan = plans.find((p) => p.plan_code === planCode)!;
    const subscription: FakeSubscription = {
      id: ++ids,
      subscriptionCode: code('SUB'),
      emailToken: randomBytes(8).toString('hex'),
      customerCode,
      email,
      planCode,
      amount: plan.amount,
      status: 'active',
      startDate,
    };
    subscriptions.set(subscription.subscriptionCode, subscription);
    return subscription;
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? '/';
    const body = req.method === 'POST' ? await readJson(req).catch(() => 'invalid json') : undefined;
    requests.push({
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    const fault = faults.find((f) => path.startsWith(f.path) && f.times > 0);
    if (fault) {
      fault.times--;
      if (fault.hangMs) await new Promise((resolve) => setTimeout(resolve, fault.hangMs));
      return refuse(res, fault.status, 'Something went wrong (injected by the test)');
    }
    const [pathname, query = ''] = path.split('?');
    const params = new URLSearchParams(query);
    // the checkout page is the customer's browser, not an API call: no secret key
    if (req.method === 'GET' && pathname!.startsWith('/checkout/')) {
      const tx = [...transactions.values()].find(
        (t) => t.accessCode === pathname!.slice('/checkout/'.length),
      );
      if (!tx) return refuse(res, 404, 'Checkout not found');
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(`<html><body>Pay ${tx.amount} ${tx.currency} (${tx.reference})</body></html>`);
    }
    if (req.headers.authorization !== `Bearer ${secretKey}`) return refuse(res, 401, 'Invalid key');
    const b = (body ?? {}) as Record<string, unknown>;

    if (req.method === 'POST' && pathname === '/transaction/initialize') {
      if (typeof b.email !== 'string' || !b.email.includes('@'))
        return refuse(res, 400, 'Invalid Email Address Passed');
      const planCode = typeof b.plan === 'string' ? b.plan : null;
      const plan = planCode ? plans.find((p) => p.plan_code === planCode) : undefined;
      if (planCode && !plan) return refuse(res, 400, 'Invalid plan code');
      const amount = plan ? plan.amount : Number(b.amount);
      if (!Number.isInteger(amount) || amount <= 0) return refuse(res, 400, 'Invalid Amount Sent');
      const reference = typeof b.reference === 'string' ? b.reference : code('ref');
      if (transactions.has(reference)) return refuse(res, 400, 'Duplicate Transaction Reference');
      const accessCode = randomBytes(8).toString('hex');
      transactions.set(reference, {
        id: ++ids,
        reference,
        accessCode,
        email: b.email,
        amount,
        currency: typeof b.currency === 'string' ? b.currency : 'NGN',
        planCode,
        channels: Array.isArray(b.channels) ? (b.channels as string[]) : null,
        metadata: b.metadata ?? null,
        status: 'abandoned',
        paidAt: null,
        customerCode: null,
      });
      return ok(res, 'Authorization URL created', {
        authorization_url: `${url}/checkout/${accessCode}`,
        access_code: accessCode,
        reference,
      });
    }
    if (req.method === 'GET' && pathname!.startsWith('/transaction/verify/')) {
      const tx = transactions.get(decodeURIComponent(pathname!.slice('/transaction/verify/'.length)));
      if (!tx) return refuse(res, 404, 'Transaction reference not found');
      const customer = customerOf(tx.email);
      return ok(res, 'Verification successful', {
        id: tx.id,
        domain: 'test',
        status: tx.status,
        reference: tx.reference,
        amount: tx.amount,
        gateway_response: tx.status === 'success' ? 'Successful' : 'The transaction was not completed',
        paid_at: tx.paidAt,
        created_at: new Date().toISOString(),
        channel: 'card',
        currency: tx.currency,
        metadata: tx.metadata,
        customer: { id: customer.id, email: customer.email, customer_code: customer.customerCode },
        plan: tx.planCode,
      });
    }
    if (req.method === 'GET' && pathname === '/plan') {
      const amount = params.get('amount');
      const interval = params.get('interval');
      const data = plans.filter(
        (p) => (!amount || p.amount === Number(amount)) && (!interval || p.interval === interval),
      );
      return ok(res, 'Plans retrieved', data, {
        total: data.length,
        perPage: Number(params.get('perPage') ?? 50),
        page: 1,
      });
    }
    if (req.method === 'POST' && pathname === '/plan') {
      if (typeof b.name !== 'string' || !Number.isInteger(b.amount) || typeof b.interval !== 'string')
        return refuse(res, 400, 'Name, amount and interval are required');
      const plan = {
        id: ++ids,
        name: b.name,
        plan_code: code('PLN'),
        amount: b.amount as number,
        interval: b.interval,
        currency: typeof b.currency === 'string' ? b.currency : 'NGN',
      };
      plans.push(plan);
      return ok(res, 'Plan created', plan);
    }
    if (req.method === 'POST' && pathname === '/subscription') {
      const customer = [...customers.values()].find(
        (c) => c.customerCode === b.customer || c.email === b.customer,
      );
      if (!customer) return refuse(res, 400, 'Customer not found');
      if (!plans.some((p) => p.plan_code === b.plan)) return refuse(res, 400, 'Plan not found');
      const s = subscribe(
        customer.customerCode,
        customer.email,
        b.plan as string,
        (b.start_date as string) ?? null,
      );
      return ok(res, 'Subscription successfully created', subscriptionData(s));
    }
    if (req.method === 'GET' && pathname!.startsWith('/subscription/')) {
      const s = subscriptions.get(decodeURIComponent(pathname!.slice('/subscription/'.length)));
      if (!s) return refuse(res, 404, 'Subscription not found');
      return ok(res, 'Subscription retrieved successfully', subscriptionData(s));
    }
    if (req.method === 'POST' && pathname === '/subscription/disable') {
      const s = subscriptions.get(b.code as string);
      if (!s || s.emailToken !== b.token || s.status !== 'active')
        return refuse(res, 400, 'Subscription with code not found or already inactive');
      s.status = 'non-renewing';
      return ok(res, 'Subscription disabled successfully', undefined);
    }
    if (req.method === 'POST' && pathname === '/subscription/enable') {
      const s = subscriptions.get(b.code as string);
      if (!s || s.emailToken !== b.token || s.status === 'active')
        return refuse(res, 400, 'Subscription with code not found or already active');
      s.status = 'active';
      return ok(res, 'Subscription enabled successfully', undefined);
    }
    return refuse(res, 404, `no route ${req.method} ${pathname} on this Paystack stand-in`);
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => refuse(res, 500, (error as Error).message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const transactionOf = (reference: string) => {
    const tx = transactions.get(reference);
    if (!tx) throw new Error(`no transaction ${reference}`);
    return tx;
  };

  return {
    url,
    secretKey,
    requests,
    transactions,
    subscriptions,
    plans,
    fail(path, { status = 500, times = 1, hangMs = 0 }) {
      faults.push({ path, status, times, hangMs });
    },
    pay(reference) {
      const tx = transactionOf(reference);
      const customer = customerOf(tx.email);
      tx.status = 'success';
      tx.paidAt = new Date().toISOString();
      tx.customerCode = customer.customerCode;
      if (
        tx.planCode &&
        ![...subscriptions.values()].some(
          (s) =>
            s.planCode === tx.planCode && s.customerCode === customer.customerCode && s.status === 'active',
        )
      )
        subscribe(customer.customerCode, tx.email, tx.planCode, null);
      return tx;
    },
    chargeSuccessEvent(reference) {
      const tx = transactionOf(reference);
      const customer = customerOf(tx.email);
      return {
        event: 'charge.success',
        data: {
          id: tx.id,
          domain: 'test',
          status: 'success',
          reference: tx.reference,
          amount: tx.amount,
          message: null,
          gateway_response: 'Successful',
          paid_at: tx.paidAt,
          created_at: tx.paidAt,
          channel: 'card',
          currency: tx.currency,
          metadata: tx.metadata,
          customer: {
            id: customer.id,
            first_name: null,
            last_name: null,
            email: customer.email,
            customer_code: customer.customerCode,
            phone: null,
            metadata: null,
            risk_action: 'default',
          },
          authorization: {
            authorization_code: code('AUTH'),
            bin: '408408',
            last4: '4081',
            exp_month: '12',
            exp_year: '2030',
            channel: 'card',
            card_type: 'visa',
            bank: 'TEST BANK',
            country_code: 'ZA',
            brand: 'visa',
            reusable: true,
          },
          plan: tx.planCode ? (plans.find((p) => p.plan_code === tx.planCode) ?? {}) : {},
        },
      };
    },
    subscriptionCreateEvent(reference) {
      const tx = transactionOf(reference);
      const s = [...subscriptions.values()].find(
        (x) => x.planCode === tx.planCode && x.email === tx.email && x.status === 'active',
      );
      if (!s) throw new Error(`no subscription for ${reference} (pay it first)`);
      const { id: _id, ...data } = subscriptionData(s); // the documented payload has no id
      return { event: 'subscription.create', data: { ...data, created_at: new Date().toISOString() } };
    },
    invoicePaymentFailedEvent(subscriptionCode) {
      const s = subscriptions.get(subscriptionCode)!;
      return {
        event: 'invoice.payment_failed',
        data: {
          domain: 'test',
          invoice_code: code('INV'),
          amount: s.amount,
          period_start: new Date().toISOString(),
          period_end: new Date(Date.now() + 30 * 86_400_000).toISOString(),
          status: 'failed',
          paid: false,
          paid_at: null,
          description: null,
          subscription: {
            status: s.status,
            subscription_code: s.subscriptionCode,
            email_token: s.emailToken,
            amount: s.amount,
          },
          customer: { email: s.email, customer_code: s.customerCode },
          transaction: {},
          created_at: new Date().toISOString(),
        },
      };
    },
    subscriptionDisableEvent(subscriptionCode) {
      const { id: _id, ...data } = subscriptionData(subscriptions.get(subscriptionCode)!);
      return { event: 'subscription.disable', data: { ...data, status: 'complete' } };
    },
    sign: (body) => paystackSignature(secretKey, body),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
