import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Paystack, behind one interface (https://paystack.com/docs/api/): what billing asks of the payment
 * provider. Amounts are integers in the currency's minor unit (ZAR cents: Paystack's "kobo-style"
 * subunits). The only implementation speaks Paystack's REST API at `PAYSTACK_API_BASE` with
 * `PAYSTACK_SECRET_KEY`; Paystack cannot be reached from this machine, so it is tested as a contract
 * test against a local server speaking Paystack's documented shapes (paystack.contract.test.ts).
 */
export interface PaymentProvider {
  /** what the running service logs about its payment provider */
  readonly description: string;
  /** POST /transaction/initialize: a checkout for `amountMinor` (with `plan`, Paystack subscribes the customer on success) */
  initializeTransaction(input: {
    email: string;
    amountMinor: number;
    currency: string;
    reference: string;
    planCode?: string;
    channels?: string[];
    callbackUrl?: string;
    metadata?: Record<string, string>;
  }): Promise<{ authorizationUrl: string; accessCode: string; reference: string }>;
  /** GET /transaction/verify/:reference */
  verifyTransaction(reference: string): Promise<VerifiedTransaction>;
  /** the plan code of a monthly plan of this name and amount: GET /plan, else POST /plan */
  ensurePlan(input: { name: string; amountMinor: number; currency: string }): Promise<string>;
  /** POST /subscription: the customer on `planCode`, first charged at `startDate` (their saved card) */
  createSubscription(input: {
    customer: string;
    planCode: string;
    startDate?: string;
  }): Promise<{ subscriptionCode: string; emailToken: string | null }>;
  /** GET /subscription/:code */
  fetchSubscription(code: string): Promise<{ subscriptionCode: string; emailToken: string; status: string }>;
  /** POST /subscription/disable */
  disableSubscription(input: { code: string; token: string }): Promise<void>;
  /** POST /subscription/enable: a disabled (non-renewing) subscription renews again */
  enableSubscription(input: { code: string; token: string }): Promise<void>;
  /** `x-paystack-signature`: HMAC-SHA512 of the raw body with the secret key, hex */
  verifySignature(rawBody: Buffer, signature: string | undefined): boolean;
}

export interface VerifiedTransaction {
  status: string;
  reference: string;
  amountMinor: number;
  currency: string;
  paidAt: string | null;
  customerCode: string | null;
  customerEmail: string | null;
}

/** Paystack's answer on every endpoint: `{status, message, data}`; `status: false` with a message on errors. */
interface Envelope<T> {
  status: boolean;
  message: string;
  data: T;
}

export class PaystackError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    /** worth another attempt: network failures, timeouts, 429 and 5xx */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'PaystackError';
  }
}

export interface PaystackOptions {
  baseUrl: string;
  secretKey: string;
  /** per attempt */
  timeoutMs?: number;
  /** attempts after the first, on transient failures */
  retries?: number;
  /** backoff before retry n (1-based), ms */
  backoffMs?: (attempt: number) => number;
  fetch?: typeof fetch;
}

export class PaystackClient implements PaymentProvider {
  readonly description: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly fetcher: typeof fetch;
  private readonly planCodes = new Map<string, string>();

  constructor(private readonly options: PaystackOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.backoffMs = options.backoffMs ?? ((n) => 250 * 2 ** (n - 1));
    this.fetcher = options.fetch ?? fetch;
    this.description = `paystack at ${this.baseUrl}`;
  }

  /**
   * One call with a timeout per attempt, retried on transient failures. POSTs are retried too:
   * initialize carries our own unique reference (a repeat is refused by Paystack as a duplicate, not
   * charged twice), plan creation is looked up first, and disabling is idempotent.
   */
  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let last: PaystackError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.backoffMs(attempt)));
      let response: Response;
      try {
        response = await this.fetcher(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.options.secretKey}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        // a DOMException, which is not an `Error` of every realm (jest's)
        const name = (error as { name?: string } | null)?.name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        last = new PaystackError(
          timedOut
            ? `Paystack ${method} ${path} timed out after ${this.timeoutMs} ms`
            : `Paystack ${method} ${path} failed: ${(error as Error).message}`,
          null,
          true,
        );
        continue;
      }
      const text = await response.text();
      let envelope: Envelope<T> | undefined;
      try {
        envelope = JSON.parse(text) as Envelope<T>;
      } catch {
        envelope = undefined;
      }
      if (response.ok && envelope?.status === true) return envelope.data;
      const transient = response.status === 429 || response.status >= 500;
      last = new PaystackError(
        `Paystack ${method} ${path} answered ${response.status}: ${envelope?.message ?? text.slice(0, 200)}`,
        response.status,
        transient,
      );
      if (!transient) throw last;
    }
    throw last!;
  }

  async initializeTransaction(input: Parameters<PaymentProvider['initializeTransaction']>[0]) {
    const data = await this.call<{ authorization_url: string; access_code: string; reference: string }>(
      'POST',
      '/transaction/initialize',
      {
        email: input.email,
        // Paystack takes the amount in the subunit; with `plan` it charges the plan's amount
        amount: String(input.amountMinor),
        currency: input.currency,
        reference: input.reference,
        ...(input.planCode ? { plan: input.planCode } : {}),
        ...(input.channels ? { channels: input.channels } : {}),
        ...(input.callbackUrl ? { callback_url: input.callbackUrl } : {}),
        ...(input.metadata ? { metadata: input.metadata } : {}),
      },
    );
    return {
      authorizationUrl: data.authorization_url,
      accessCode: data.access_code,
      reference: data.reference,
    };
  }

  async verifyTransaction(reference: string): Promise<VerifiedTransaction> {
    const data = await this.call<{
      status: string;
      reference: string;
      amount: number;
      currency: string;
      paid_at?: string | null;
      paidAt?: string | null;
      customer?: { customer_code?: string; email?: string } | null;
    }>('GET', `/transaction/verify/${encodeURIComponent(reference)}`);
    return {
      status: data.status,
      reference: data.reference,
      amountMinor: Number(data.amount),
      currency: data.currency,
      paidAt: data.paid_at ?? data.paidAt ?? null,
      customerCode: data.customer?.customer_code ?? null,
      customerEmail: data.customer?.email ?? null,
    };
  }

  async ensurePlan(input: { name: string; amountMinor: number; currency: string }): Promise<string> {
    const key = `${input.name}:${input.amountMinor}:${input.currency}`;
    const known = this.planCodes.get(key);
    if (known) return known;
    const existing = await this.call<
      { name: string; plan_code: string; amount: number; interval: string; currency: string }[]
    >('GET', `/plan?perPage=100&interval=monthly&amount=${input.amountMinor}`);
    let code = existing.find(
      (p) =>
        p.name === input.name &&
        Number(p.amount) === input.amountMinor &&
        p.currency === input.currency &&
        p.interval === 'monthly',
    )?.plan_code;
    if (!code) {
      const created = await this.call<{ plan_code: string }>('POST', '/plan', {
        name: input.name,
        amount: input.amountMinor,
        interval: 'monthly',
        currency: input.currency,
      });
      code = created.plan_code;
    }
    this.planCodes.set(key, code);
    return code;
  }

  async createSubscription(input: { customer: string; planCode: string; startDate?: string }) {
    const data = await this.call<{ subscription_code: string; email_token?: string | null }>(
      'POST',
      '/subscription',
      {
        customer: input.customer,
        plan: input.planCode,
        ...(input.startDate ? { start_date: input.startDate } : {}),
      },
    );
    return { subscriptionCode: data.subscription_code, emailToken: data.email_token ?? null };
  }

  async fetchSubscription(code: string) {
    const data = await this.call<{ subscription_code: string; email_token: string; status: string }>(
      'GET',
      `/subscription/${encodeURIComponent(code)}`,
    );
    return { subscriptionCode: data.subscription_code, emailToken: data.email_token, status: data.status };
  }

  async disableSubscription(input: { code: string; token: string }): Promise<void> {
    await this.call('POST', '/subscription/disable', { code: input.code, token: input.token });
  }

  async enableSubscription(input: { code: string; token: string }): Promise<void> {
    await this.call('POST', '/subscription/enable', { code: input.code, token: input.token });
  }

  verifySignature(rawBody: Buffer, signature: string | undefined): boolean {
    return paystackSignatureValid(this.options.secretKey, rawBody, signature);
  }
}

/** Paystack signs each webhook: `x-paystack-signature` is the hex HMAC-SHA512 of the raw body with the secret key. */
export function paystackSignature(secretKey: string, rawBody: Buffer | string): string {
  return createHmac('sha512', secretKey).update(rawBody).digest('hex');
}

export function paystackSignatureValid(
  secretKey: string,
  rawBody: Buffer,
  signature: string | undefined,
): boolean {
  if (!signature || !/^[0-9a-f]{128}$/i.test(signature)) return false;
  const expected = Buffer.from(paystackSignature(secretKey, rawBody), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * The payment provider from configuration: Paystack when `PAYSTACK_SECRET_KEY` is set (at
 * `PAYSTACK_API_BASE`, default https://api.paystack.co), else none: billing's paid operations then
 * answer that payments are not configured (the free plan works as before).
 */
export function paymentProviderOf(env: Record<string, string | undefined>): PaymentProvider | null {
  const secretKey = env.PAYSTACK_SECRET_KEY?.trim();
  if (!secretKey) return null;
  const timeoutMs = Number(env.PAYSTACK_TIMEOUT_MS ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100)
    throw new Error('PAYSTACK_TIMEOUT_MS must be an integer of at least 100');
  return new PaystackClient({
    baseUrl: env.PAYSTACK_API_BASE?.trim() || 'https://api.paystack.co',
    secretKey,
    timeoutMs,
  });
}
